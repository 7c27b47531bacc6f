"""The web app's own unit tests (Vitest, web/src/**/*.test.ts), run as one test of this tier."""

from localinfra.webapp import npm_run


def test_the_web_apps_vitest_suite_passes() -> None:
    output = npm_run("test", timeout=300)  # raises with Vitest's report when a test fails
    assert " failed" not in output, output
    assert " passed" in output, output
