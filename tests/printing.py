"""Printing documents for tests: LibreOffice → PDF with the official fonts mapped, then the PDF's text.

The 通报 declares 方正小标宋简体, 仿宋_GB2312, 楷体_GB2312, 黑体 and 宋体 (what an office's Word has); this
machine has Noto CJK instead. A private fontconfig file maps each declared name to an installed Noto
CJK face, so LibreOffice lays the pages out with a real CJK font of the same role and page counts
measured here mean something. Converting Word files needs LibreOffice Writer (``libswlo``); a machine
with Calc alone skips those tests.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
PDFINFO = shutil.which("pdfinfo")
PDFTOPPM = shutil.which("pdftoppm")
CLOSING = "，。、；：？！）」』》〉】〕”’"

# declared font → the installed face LibreOffice prints it with on this machine
FONT_MAP = {
    "方正小标宋简体": ("Noto Serif CJK SC", "bold"),
    "仿宋_GB2312": ("Noto Serif CJK SC", None),
    "楷体_GB2312": ("Noto Serif CJK SC", None),
    "黑体": ("Noto Sans CJK SC", None),
    "宋体": ("Noto Serif CJK SC", None),
}


def fontconfig_file(folder: Path) -> Path:
    """A fontconfig configuration: the system's, plus each official font name mapped to Noto CJK."""
    rules = []
    for name, (face, weight) in FONT_MAP.items():
        bold = (
            f'<edit name="weight" mode="assign" binding="strong"><const>{weight}</const></edit>'
            if weight
            else ""
        )
        rules.append(
            f'<match target="pattern"><test name="family"><string>{name}</string></test>'
            f'<edit name="family" mode="assign" binding="strong"><string>{face}</string></edit>{bold}</match>'
        )
    path = folder / "fonts.conf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>' + "".join(rules) + "</fontconfig>",
        encoding="utf-8",
    )
    return path


def writer_available() -> bool:
    """LibreOffice with Writer (Debian's libreoffice-writer-nogui): Calc alone cannot open .docx."""
    if SOFFICE is None:
        return False
    program = Path(SOFFICE).resolve().parent
    candidates = [program, Path("/usr/lib/libreoffice/program"), Path("/opt/libreoffice/program")]
    return any((folder / "libswlo.so").exists() or (folder / "swlo.dll").exists() for folder in candidates)


def to_pdf(files: list[Path], outdir: Path, work: Path) -> list[Path]:
    """Convert files to PDF in one LibreOffice run (private profile, official fonts mapped)."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed; .ci/run installs it")
    if any(f.suffix == ".docx" for f in files) and not writer_available():
        pytest.skip("LibreOffice Writer is not installed (libreoffice-writer-nogui); .ci/run installs it")
    profile = work / "lo-profile"
    env = {**os.environ, "FONTCONFIG_FILE": str(fontconfig_file(work))}
    cmd = [
        SOFFICE,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
        str(outdir),
        *map(str, files),
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    pdfs = [outdir / (f.stem + ".pdf") for f in files]
    missing = [p.name for p in pdfs if not p.exists()]
    assert not missing, (
        f"LibreOffice wrote no PDF for {missing}: {result.stdout[-1000:]} {result.stderr[-1000:]}"
    )
    return pdfs


def page_texts(pdf: Path, layout: bool = True) -> list[str]:
    """The text of each page (pdftotext; -layout keeps each printed line on one line)."""
    if PDFTOTEXT is None:
        pytest.skip("pdftotext (poppler-utils) is not installed; .ci/run installs it")
    mode = "-layout" if layout else "-raw"
    out = subprocess.run([PDFTOTEXT, mode, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8").split("\f")[:-1]


def page_count(pdf: Path) -> int:
    if PDFINFO is None:
        pytest.skip("pdfinfo (poppler-utils) is not installed")
    out = subprocess.run([PDFINFO, str(pdf)], capture_output=True, text=True, check=True).stdout
    found = re.search(r"^Pages:\s+(\d+)", out, re.MULTILINE)
    assert found, out
    return int(found.group(1))


def fonts_used(pdf: Path) -> str:
    pdffonts = shutil.which("pdffonts")
    if pdffonts is None:
        pytest.skip("pdffonts (poppler-utils) is not installed")
    return subprocess.run([pdffonts, str(pdf)], capture_output=True, text=True, check=True).stdout


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def line_starts(page: str) -> list[str]:
    """The start of every printed line, and of every cell on it (-layout separates cells by 2+ spaces)."""
    starts = []
    for line in page.splitlines():
        for segment in re.split(r"\s{2,}", line.strip()):
            if segment:
                starts.append(segment)
    return starts


def bad_line_starts(pages: list[str]) -> list[str]:
    """Printed lines (or cells) that start with closing punctuation: 避头尾 broken."""
    return [s for page in pages for s in line_starts(page) if s[0] in CLOSING]
