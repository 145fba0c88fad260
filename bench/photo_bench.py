"""Benchmark the photo job on phone-size JPEGs, on one core, against vipsthumbnail.

Run from the repository root: `.venv/bin/python bench/photo_bench.py [--count 50]`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from PIL import ExifTags, Image, ImageDraw

REPO_ROOT = Path(__file__).resolve().parent.parent
PHONE_SIZE = (4032, 3024)  # 12 MP, what most phones write by default
DISPLAY_LONG_SIDE = 1600
THUMB_LONG_SIDE = 320
TARGET_PHOTOS_PER_S = 10.0
TARGET_PEAK_MB = 150.0


@dataclass(frozen=True)
class Measurement:
    """Timing and memory of one contender over the whole photo set."""

    name: str
    total_s: float
    peak_rss_mb: float
    per_photo_ms: list[float] | None  # None when only the total is known


def main() -> None:
    """Generate the photos, time both contenders and print the comparison table."""
    args = _parse_args()
    if args.worker:
        _worker(args.worker)
        return
    if args.generate:
        generate_photos(args.generate, args.count, args.seed)
        return
    with tempfile.TemporaryDirectory(prefix="photo-bench-") as temp_dir:
        paths = _generate_in_subprocess(Path(temp_dir), args.count, args.seed)
        core = _pin_to_one_core()  # children inherit the affinity
        roundbook, webp_methods = _measure_roundbook(paths)
        vips = _measure_vipsthumbnail(paths, Path(temp_dir), webp_methods)
        _print_table(paths, [roundbook] if vips is None else [roundbook, vips], core)


def _parse_args() -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=50, help="photos to generate")
    parser.add_argument("--seed", type=int, default=20240501, help="seed of the content")
    parser.add_argument("--worker", nargs="+", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--generate", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args()


def _generate_in_subprocess(directory: Path, count: int, seed: int) -> list[Path]:
    """Generate the photos in a child process and return their paths.

    Linux counts the RSS a child inherits at fork in its ru_maxrss: generating 12 MP pictures
    here would inflate every measured child's peak memory to this process's.
    """
    started = time.perf_counter()
    photo_dir = directory / "photos"
    photo_dir.mkdir()
    command = [
        *_self_command(),
        "--generate",
        str(photo_dir),
        "--count",
        str(count),
        "--seed",
        str(seed),
    ]
    _run_measured(command, dict(os.environ))
    paths = sorted(photo_dir.glob("*.jpg"))
    print(f"generated {len(paths)} photos in {time.perf_counter() - started:.1f} s")
    return paths


def _self_command() -> list[str]:
    """Return the command line that runs this script again."""
    return [sys.executable, str(Path(__file__).resolve())]


def generate_photos(directory: Path, count: int, seed: int) -> list[Path]:
    """Write count deterministic phone-like JPEGs (2-4 MB, orientation 6, GPS) to directory."""
    paths = []
    for index in range(count):
        rng = random.Random(seed + index)
        path = directory / f"photo_{index:03d}.jpg"
        _phone_picture(rng).save(path, "JPEG", quality=90, exif=_phone_exif(rng))
        paths.append(path)
    return paths


def _phone_picture(rng: random.Random) -> Image.Image:
    """Draw gradients, shapes and sensor-like noise, so JPEG sizes match real photos."""
    gradient = Image.linear_gradient("L")
    channels = [gradient.rotate(rng.choice((0, 90, 180, 270))).resize(PHONE_SIZE) for _ in "RGB"]
    picture = Image.merge("RGB", channels)
    draw = ImageDraw.Draw(picture)
    width, height = PHONE_SIZE
    for _ in range(40):
        x, y = rng.randrange(width), rng.randrange(height)
        box = (x, y, x + rng.randrange(50, 1200), y + rng.randrange(50, 900))
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        shape = rng.choice((draw.ellipse, draw.rectangle))
        shape(box, fill=colour)
    noise = Image.frombytes("RGB", PHONE_SIZE, rng.randbytes(width * height * 3))
    # 7-12 % uniform noise gives 2.3-3.8 MB at quality 90, like a 12 MP phone photo.
    return Image.blend(picture, noise, rng.uniform(0.07, 0.12))


def _phone_exif(rng: random.Random) -> Image.Exif:
    """Return EXIF as a phone writes it held upright: orientation 6, GPS position, capture time."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "BenchPhone"
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.IFD.Exif] = {
        ExifTags.Base.DateTimeOriginal: f"2024:05:{rng.randrange(1, 29):02d} 09:30:00",
        ExifTags.Base.OffsetTimeOriginal: "+08:00",
    }
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (39.0, 54.0, rng.uniform(0, 60)),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (116.0, 23.0, rng.uniform(0, 60)),
    }
    return exif


def _pin_to_one_core() -> int | None:
    """Pin this process (and so its children) to one core; return it, or None if unsupported."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return core


def _worker(paths: list[Path]) -> None:
    """Run the photo job over paths in this fresh process and print timings as JSON."""
    import resource

    from server.photos import processing
    from server.photos.validation import allowed_formats

    allowed_formats()  # imports pillow-heif: paid once per RQ worker, not per photo
    per_photo_ms = []
    display_bytes = thumb_bytes = 0
    for path in paths:
        started = time.perf_counter()
        photo = processing.process_photo(path)
        per_photo_ms.append((time.perf_counter() - started) * 1000)
        display_bytes += len(photo.display.data)
        thumb_bytes += len(photo.thumbnail.data)
    # ru_maxrss is in KiB on Linux: the worker's own peak, not the parent's.
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = {
        "per_photo_ms": per_photo_ms,
        "peak_rss_mb": peak_kib / 1024,
        "display_kb": display_bytes / len(paths) / 1000,
        "thumb_kb": thumb_bytes / len(paths) / 1000,
        "webp_methods": [processing.DISPLAY_WEBP_METHOD, processing.THUMB_WEBP_METHOD],
    }
    print(json.dumps(result))


def _run_measured(command: list[str], env: dict[str, str]) -> tuple[str, float, float]:
    """Run command; return its stdout, wall time in s and its own peak RSS in MB."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, env=env, text=True)
    assert process.stdout is not None
    output = process.stdout.read()
    process.stdout.close()
    # wait4, unlike RUSAGE_CHILDREN, gives this child's own ru_maxrss.
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{command[0]} failed with exit code {process.returncode}")
    return output, elapsed, usage.ru_maxrss / 1024


def _measure_roundbook(paths: list[Path]) -> tuple[Measurement, list[int]]:
    """Time process_photo over all photos in a fresh worker; return it and its WebP methods."""
    python_path = [str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, python_path))}
    command = [*_self_command(), "--worker", *map(str, paths)]
    output, _, _ = _run_measured(command, env)
    result = json.loads(output)
    per_photo_ms = result["per_photo_ms"]
    print(
        f"roundbook output: display {result['display_kb']:.0f} KB, "
        f"thumbnail {result['thumb_kb']:.1f} KB (mean WebP size)"
    )
    # Timed inside the worker, so interpreter start-up and imports are not counted.
    total_s = sum(per_photo_ms) / 1000
    measurement = Measurement("roundbook (Pillow)", total_s, result["peak_rss_mb"], per_photo_ms)
    return measurement, result["webp_methods"]


def _measure_vipsthumbnail(
    paths: list[Path], work_dir: Path, efforts: list[int]
) -> Measurement | None:
    """Time vipsthumbnail making both sizes of every photo, one thread, one process per size."""
    executable = shutil.which("vipsthumbnail")
    if executable is None:
        print("vipsthumbnail not found: apt-get install libvips-tools (comparison skipped)")
        return None
    out_dir = work_dir / "vips"
    out_dir.mkdir()
    env = {**os.environ, "VIPS_CONCURRENCY": "1"}
    total_s = peak_mb = 0.0
    for long_side, effort in zip((DISPLAY_LONG_SIDE, THUMB_LONG_SIDE), efforts, strict=True):
        # Same output as the job: WebP quality 80, same effort, metadata stripped, auto-rotated.
        output = f"{out_dir}/%s_{long_side}.webp[Q=80,effort={effort},strip]"
        command = [executable, "-s", str(long_side), "-o", output, *map(str, paths)]
        _, elapsed, rss_mb = _run_measured(command, env)
        total_s += elapsed
        peak_mb = max(peak_mb, rss_mb)
    return Measurement(
        f"vipsthumbnail {_vips_version(executable)} (1 thread)", total_s, peak_mb, None
    )


def _vips_version(executable: str) -> str:
    """Return the libvips version vipsthumbnail reports."""
    completed = subprocess.run([executable, "--version"], capture_output=True, text=True)
    return completed.stdout.strip().removeprefix("vips-") or "?"


def _print_table(paths: list[Path], results: list[Measurement], core: int | None) -> None:
    """Print one row per contender and whether the job meets its targets."""
    mean_mb = statistics.mean(path.stat().st_size for path in paths) / 1e6
    pinned = f"pinned to cpu {core}" if core is not None else "not pinned (no sched_setaffinity)"
    print(
        f"\n{len(paths)} JPEGs {PHONE_SIZE[0]}x{PHONE_SIZE[1]}, mean {mean_mb:.1f} MB, "
        f"EXIF orientation 6 + GPS; sizes {DISPLAY_LONG_SIDE} and {THUMB_LONG_SIDE} px; {pinned}"
    )
    header = f"{'':32} {'mean ms':>8} {'p50 ms':>8} {'p95 ms':>8} {'photos/s':>9} {'peak MB':>8}"
    print(header)
    print("-" * len(header))
    for result in results:
        print(_row(result, len(paths)))
    _print_verdict(results, len(paths))


def _row(result: Measurement, count: int) -> str:
    """Format one contender's figures; percentiles only when per-photo times are known."""
    mean_ms = result.total_s * 1000 / count
    if result.per_photo_ms:
        p50 = f"{statistics.median(result.per_photo_ms):8.1f}"
        p95 = f"{statistics.quantiles(result.per_photo_ms, n=20)[-1]:8.1f}"
    else:
        p50 = p95 = f"{'n/a':>8}"
    return (
        f"{result.name:32} {mean_ms:8.1f} {p50} {p95} {count / result.total_s:9.1f} "
        f"{result.peak_rss_mb:8.0f}"
    )


def _print_verdict(results: list[Measurement], count: int) -> None:
    """Say which targets the job meets."""
    ours = results[0]
    rate = count / ours.total_s
    checks = [
        (f">= {TARGET_PHOTOS_PER_S:.0f} photos/s per worker", rate >= TARGET_PHOTOS_PER_S),
        (f"< {TARGET_PEAK_MB:.0f} MB peak memory", ours.peak_rss_mb < TARGET_PEAK_MB),
    ]
    if len(results) > 1:
        checks.append(("faster than vipsthumbnail", ours.total_s < results[1].total_s))
    for label, is_met in checks:
        print(f"target {label}: {'met' if is_met else 'MISSED'}")


if __name__ == "__main__":
    main()
