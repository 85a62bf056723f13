"""Build hook: stamp the package version from `git describe` into _version.py at build time."""

import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

FALLBACK = "0.0.0"


def git_version() -> str:
    try:
        out = subprocess.run(
            ["git", "describe", "--tags", "--always", "--dirty"],
            capture_output=True, text=True, timeout=10, check=True,
            cwd=Path(__file__).parent,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return FALLBACK
    return out.lstrip("v") or FALLBACK


class BuildWithVersion(build_py):
    """Write changelog_mcp/_version.py into the build directory only (the source tree is untouched)."""

    def run(self):
        super().run()
        target = Path(self.build_lib) / "changelog_mcp" / "_version.py"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f'__version__ = "{git_version()}"\n', encoding="utf-8")


setup(version=git_version(), cmdclass={"build_py": BuildWithVersion})
