"""Safe extraction of zipped control archives that users upload.

A zip is untrusted input: member names can point outside the target folder (``../x``,
``/etc/x``), members can be symbolic links, and a few kilobytes can declare or inflate to
gigabytes (a zip bomb). :func:`safe_extract` checks every member before writing anything
and counts the bytes it actually writes.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
import zlib
from pathlib import Path

from geodata.io._errors import ControlImportError
from geodata.io._files import FILE_SUFFIXES

__all__ = ["extract_control_folder", "safe_extract"]

_DRIVE = re.compile(r"^[A-Za-z]:")
_CHUNK = 1 << 20


def _member_parts(zip_name: str, info: zipfile.ZipInfo) -> list[str]:
    """The path components of a member, or a ControlImportError if it is unsafe."""
    name = info.filename

    def refuse(why: str) -> ControlImportError:
        return ControlImportError(
            f"{zip_name}: member {name!r} {why}; refusing to extract this zip.",
            rule="zip-unsafe-member",
            file=zip_name,
        )

    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        raise refuse("has an absolute path")
    parts = [p for p in re.split(r"[\\/]", name) if p not in ("", ".")]
    if ".." in parts:
        raise refuse("has a '..' component that would write outside the target folder")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise refuse("is a symbolic link")
    if not parts:
        raise refuse("has an empty name")
    return parts


def safe_extract(
    zip_path: str | os.PathLike,
    dest: str | os.PathLike,
    *,
    max_files: int = 5000,
    max_bytes: int = 1_000_000_000,
) -> Path:
    """Extract a zip into ``dest`` after checking every member; all or nothing.

    Parameters
    ----------
    zip_path : str or os.PathLike
        The zip file.
    dest : str or os.PathLike
        Target folder, created if missing. Use a fresh (temporary) folder.
    max_files : int, default 5000
        Most members (files and folders) allowed.
    max_bytes : int, default 1_000_000_000
        Most bytes allowed, both as declared by the members' headers and as actually
        written while extracting.

    Returns
    -------
    pathlib.Path
        ``dest``.

    Raises
    ------
    ControlImportError
        Naming the zip and the bad member: not a zip, an absolute path, a ``..`` component,
        a symbolic link, more than ``max_files`` members, more than ``max_bytes`` declared
        or written (a zip bomb), an encrypted, corrupt or duplicated member. Files written
        before the error are removed.

    Examples
    --------
    >>> folder = safe_extract("upload.zip", tempfile.mkdtemp())  # doctest: +SKIP
    """
    zip_path, dest = Path(zip_path), Path(dest)
    zip_name = zip_path.name
    try:
        archive = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ControlImportError(
            f"{zip_name}: is not a readable zip file ({exc}).", rule="zip-corrupt", file=zip_name
        ) from None
    written: list[Path] = []
    with archive:
        members = archive.infolist()
        if len(members) > max_files:
            raise ControlImportError(
                f"{zip_name}: holds {len(members):,} members, more than max_files={max_files:,}.",
                rule="zip-too-many-files",
                file=zip_name,
            )
        plan = [(info, _member_parts(zip_name, info)) for info in members]
        declared = sum(info.file_size for info in members)
        if declared > max_bytes:
            biggest = max(members, key=lambda info: info.file_size)
            raise ControlImportError(
                f"{zip_name}: members declare {declared:,} bytes uncompressed (the largest, "
                f"member {biggest.filename!r}, {biggest.file_size:,}), more than "
                f"max_bytes={max_bytes:,}: a zip bomb or too big to import.",
                rule="zip-too-large",
                file=zip_name,
            )
        dest.mkdir(parents=True, exist_ok=True)
        root = dest.resolve()
        total = 0
        try:
            for info, parts in plan:
                target = root.joinpath(*parts)
                if root not in target.resolve().parents:
                    raise ControlImportError(
                        f"{zip_name}: member {info.filename!r} resolves outside the target "
                        "folder; refusing to extract this zip.",
                        rule="zip-unsafe-member",
                        file=zip_name,
                    )
                try:
                    if info.is_dir():
                        target.mkdir(parents=True, exist_ok=True)
                        continue
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with archive.open(info) as src, open(target, "xb") as out:
                        written.append(target)
                        while chunk := src.read(_CHUNK):
                            total += len(chunk)
                            if total > max_bytes:
                                raise ControlImportError(
                                    f"{zip_name}: member {info.filename!r} inflates past "
                                    f"max_bytes={max_bytes:,} in total: a zip bomb or too big "
                                    "to import.",
                                    rule="zip-too-large",
                                    file=zip_name,
                                )
                            out.write(chunk)
                except (FileExistsError, NotADirectoryError):
                    raise ControlImportError(
                        f"{zip_name}: member {info.filename!r} is already in the target folder "
                        "(a name twice in the zip, or a folder not empty); extract into an "
                        "empty folder.",
                        rule="zip-duplicate-member",
                        file=zip_name,
                    ) from None
                except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
                    raise ControlImportError(
                        f"{zip_name}: member {info.filename!r} is corrupt ({exc}).",
                        rule="zip-corrupt",
                        file=zip_name,
                    ) from None
                except (RuntimeError, NotImplementedError) as exc:  # encrypted, odd compression
                    raise ControlImportError(
                        f"{zip_name}: member {info.filename!r} cannot be read ({exc}).",
                        rule="zip-corrupt",
                        file=zip_name,
                    ) from None
        except ControlImportError:
            for path in written:
                path.unlink(missing_ok=True)
            raise
    return dest


def extract_control_folder(
    zip_path: str | os.PathLike, dest: str | os.PathLike, *, max_bytes: int = 1_000_000_000
) -> Path:
    """Extract a zip with :func:`safe_extract`; return the one folder holding control files.

    macOS adds ``__MACOSX/`` and ``._name`` resource files to zips: they are ignored.
    """
    zip_name = Path(zip_path).name
    root = safe_extract(zip_path, dest, max_bytes=max_bytes)
    folders = sorted(
        {
            p.parent
            for p in root.rglob("*")
            if p.is_file()
            and p.suffix.lower() in FILE_SUFFIXES
            and not p.name.startswith("._")
            and "__MACOSX" not in p.relative_to(root).parts
        }
    )
    if not folders:
        raise ControlImportError(
            f"{zip_name}: holds no control files: expected *.geojson or *.json files.",
            rule="no-files",
            file=zip_name,
        )
    if len(folders) > 1:
        shown = ", ".join(f"{f.relative_to(root).as_posix() or '.'}/" for f in folders[:5])
        raise ControlImportError(
            f"{zip_name}: holds control files in {len(folders)} folders ({shown}); zip one "
            "folder at a time.",
            rule="zip-many-folders",
            file=zip_name,
        )
    return folders[0]
