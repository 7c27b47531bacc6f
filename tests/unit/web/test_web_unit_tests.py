"""The web app's own checks as tests of this tier: its types (tsc) and its unit tests (Vitest)."""

from localinfra.webapp import npm_run


def test_the_web_apps_vitest_suite_passes() -> None:
    output = npm_run("test", timeout=300)  # raises with Vitest's report when a test fails
    assert " failed" not in output, output
    assert " passed" in output, output


def test_the_web_code_and_the_browser_tests_type_check() -> None:
    npm_run("typecheck", timeout=300)  # raises with tsc's errors
