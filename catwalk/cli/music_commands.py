"""`catwalk music import | list | generate`: the music library in the stack's Postgres and S3
(as `products import` writes the catalog), and a generated track written to a file."""

from __future__ import annotations

import os
from dataclasses import asdict
from pathlib import Path

import typer
from minio import Minio
from rich.table import Table

from catwalk.cli.output import fail, out, print_json, step
from catwalk.cli.stack_commands import settings
from catwalk.media.music.generate import STYLES, StyleError, generate_track, pick_tempo
from catwalk.media.music.library import MusicError, TrackRecord, import_track, list_tracks
from catwalk.stack.s3 import s3_client
from catwalk.stack.settings import REPO_ROOT
from catwalk.stack.stack import read_stack

app = typer.Typer(help="The music library: tracks by style with their beat grid.", no_args_is_help=True)
STYLE_HELP = f"One of {', '.join(STYLES)}."


def _backends() -> tuple[str, Minio]:
    """The stack's database (CATWALK_DATABASE_URL overrides it) and S3."""
    s = settings()
    components = read_stack(s)["components"]
    dsn = os.environ.get("CATWALK_DATABASE_URL") or components.get("postgres", {}).get("endpoint")
    if not dsn or "s3" not in components:
        fail("no stack: run `catwalk up` first")
    return dsn, s3_client(components["s3"]["endpoint"], s.s3_access_key, s.s3_secret_key)


def _summary(t: TrackRecord) -> dict[str, object]:
    """A track without its (long) beat lists, for JSON listings."""
    data = asdict(t)
    data["beats"] = len(data.pop("beats_s"))
    data["downbeats"] = len(data.pop("downbeats_s"))
    return data


@app.command("import")
def import_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False,
                                help="WAV, FLAC, MP3, OGG or any audio FFmpeg reads."),
    style: str = typer.Option(..., help=STYLE_HELP),
    name: str = typer.Option(None, help="A unique name; default: the file's name."),
    attribution: str = typer.Option("", help="Who made it and under what licence."),
    as_json: bool = typer.Option(False, "--json", help="Print the track as JSON (with its beat grid)."),
) -> None:
    """Measure a track's tempo, beats and loudness and add it to the library."""
    dsn, s3 = _backends()
    # librosa's numba JIT takes 20-30 s cold: keep its cache where scripts/test keeps it.
    os.environ.setdefault("NUMBA_CACHE_DIR", str(REPO_ROOT / ".catwalk" / "cache" / "numba"))
    step(f"analysing {file} (tempo, beats, downbeats, loudness)")
    try:
        track = import_track(dsn, s3, file.read_bytes(), name or file.stem, style, attribution)
    except MusicError as exc:
        fail(str(exc))
    if as_json:
        print_json(asdict(track))
        return
    out.print(f"[green]imported[/green] {track.name} ({track.id}) as {track.style}")
    out.print(f"tempo {track.bpm:.2f} bpm, {len(track.beats_s)} beats, {len(track.downbeats_s)} downbeats, "
              f"{track.duration_s:.1f} s, loudness {track.loudness_lufs:.1f} LUFS, "
              f"true peak {track.true_peak_dbtp:.1f} dBTP")


@app.command("list")
def list_command(
    style: str = typer.Option(None, help=STYLE_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON: a list of tracks (beat counts, not grids)."),
) -> None:
    """Tracks in the library, by style."""
    dsn, _ = _backends()
    try:
        tracks = list_tracks(dsn, style)
    except MusicError as exc:
        fail(str(exc))
    if as_json:
        print_json([_summary(t) for t in tracks])
        return
    table = Table("id", "name", "style", "origin", "seconds", "bpm", "LUFS", "dBTP")
    for t in tracks:
        table.add_row(t.id, t.name, t.style, t.origin, f"{t.duration_s:.1f}", f"{t.bpm:.1f}",
                      f"{t.loudness_lufs:.1f}", f"{t.true_peak_dbtp:.1f}")
    out.print(table)


@app.command()
def generate(
    style: str = typer.Option(..., help=STYLE_HELP),
    seconds: float = typer.Option(60.0, min=10.0, max=900.0, help="Length of the track."),
    out_file: Path = typer.Option(..., "--out", dir_okay=False, help="Where to write the WAV."),
    bpm: float = typer.Option(None, help="Tempo; default: one of the style's range, by --seed."),
    seed: int = typer.Option(1, help="Same seed, same track."),
) -> None:
    """Write a generated track to a WAV file (the library is not touched)."""
    import soundfile as sf

    if style not in STYLES:
        raise typer.BadParameter(f"{style!r}: {STYLE_HELP}", param_hint="--style")
    tempo = bpm if bpm is not None else pick_tempo(style, seed)
    try:
        track = generate_track(style, seconds, tempo, seed)
    except StyleError as exc:
        fail(str(exc))
    sf.write(out_file, track.samples, track.sample_rate, subtype="PCM_16")
    out.print(f"wrote {out_file}: {style}, {tempo:.0f} bpm, {seconds:.0f} s, "
              f"{len(track.beats_s)} beats, {len(track.downbeats_s)} downbeats")
