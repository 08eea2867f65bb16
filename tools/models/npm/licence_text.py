"""The words the npm-model data generators draw from: the licence texts every Debian system has
in /usr/share/common-licenses, read in name order (so the same words on every machine).

    from licence_text import WORDS_DIR, licence_text
    words = re.findall(r"[A-Za-z]{2,12}", licence_text())
"""
import os

WORDS_DIR = "/usr/share/common-licenses"


def licence_text():
    """Every file of WORDS_DIR, in name order, joined with spaces."""
    text = []
    for name in sorted(os.listdir(WORDS_DIR)):
        path = os.path.join(WORDS_DIR, name)
        if os.path.isfile(path):
            with open(path, errors="ignore") as f:
                text.append(f.read())
    return " ".join(text)
