import pytest

from shop.common import java_properties


def test_traceparent_is_written_as_one_key_value_line() -> None:
    traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    assert java_properties.dumps({"traceparent": traceparent}) == f"traceparent={traceparent}\n"


def test_special_characters_survive_a_round_trip() -> None:
    values = {
        "tracestate": "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7",
        "key with space": "a:b#c!",
        "unicode": "caf\u00e9 \U0001f600",
        "multi": "line\nbreak\\",
    }
    assert java_properties.loads(java_properties.dumps(values)) == values


def test_reads_what_java_properties_store_writes() -> None:
    stored = (
        "#Tue Jan 02 10:00:00 UTC 2024\n"
        "! another comment\n"
        "traceparent=00-aa-bb-01\n"
        "tracestate = a\\=1,b\\=2\n"
        "colon:value\n"
        "spaced   value\n"
        "continued=one\\\n"
        "    two\n"
    )
    assert java_properties.loads(stored) == {
        "traceparent": "00-aa-bb-01",
        "tracestate": "a=1,b=2",
        "colon": "value",
        "spaced": "value",
        "continued": "onetwo",
    }


def test_a_bad_unicode_escape_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="invalid literal"):
        java_properties.loads("key=\\uZZZZ")
