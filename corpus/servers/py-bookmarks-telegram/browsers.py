"""Where the local browsers keep their profile data."""

import platform
from pathlib import Path

HOME = Path.home()


def chrome_profiles() -> list[Path]:
    system = platform.system()
    if system == "Darwin":
        base = HOME / "Library" / "Application Support" / "Google" / "Chrome"
    elif system == "Windows":
        base = HOME / "AppData" / "Local" / "Google" / "Chrome" / "User Data"
    else:
        base = HOME / ".config" / "google-chrome"
    return [p for p in base.glob("*") if (p / "Preferences").exists()]


def firefox_profiles() -> list[Path]:
    base = HOME / (
        "Library/Application Support/Firefox/Profiles" if platform.system() == "Darwin" else ".mozilla/firefox"
    )
    return [p for p in base.glob("*") if (p / "places.sqlite").exists()]
