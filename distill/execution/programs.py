"""How a candidate and its tests are put together into one program to execute."""


def test_program(solution: str, tests: str) -> str:
    """A solution followed by the tests that exercise it (the generated data's convention)."""
    return f"{solution.rstrip()}\n\n\n{tests.rstrip()}\n"
