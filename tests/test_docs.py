"""Documentation completeness: every command of the CLI is documented in the README."""

from pathlib import Path

from generator.cli import app

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_command_is_in_the_readme():
    names = [command.name or command.callback.__name__ for command in app.registered_commands]
    assert len(names) >= 9
    missing = [name for name in names if f"`budgetsite {name}" not in README]
    assert not missing, f"commands missing from README.md: {missing}"
