"""Import cost: median wall time of fresh interpreters importing each module.

python benchmarks/bench_import.py --runs 7
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

CASES = {
    "baseline (python -c pass)": "pass",
    "import llm_factory_toolkit": "import llm_factory_toolkit",
    "import litellm (quiet offline env)": "import litellm",
    "import openai": "import openai",
}


def time_once(code: str) -> float:
    env = dict(os.environ, LITELLM_LOCAL_MODEL_COST_MAP="True", LITELLM_MODE="PRODUCTION")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd="/tmp")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print("| import | median ms | min ms | max ms |")
    print("|---|---|---|---|")
    for label, code in CASES.items():
        time_once(code)  # warm the file cache
        samples = [time_once(code) * 1000 for _ in range(args.runs)]
        median, low, high = statistics.median(samples), min(samples), max(samples)
        print(f"| {label} | {median:.0f} | {low:.0f} | {high:.0f} |")


if __name__ == "__main__":
    main()
