"""`python -m generator.bench_charts CONTENT`: every disclosure chart of a site rendered cold, in one
process, as the benchmark's direct chart row (generator/bench.py). Prints JSON: how many charts, the
wall and CPU seconds spent making them (layout, spec, vl-convert, including its start on the first),
excluding the check and the documents they are made from. CPU seconds count vl-convert's own threads
and are what other processes' load changes least."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def render_every_chart(content: Path) -> dict:
    from generator import charts
    from generator.check import check_site
    from generator.document import build_document

    report = check_site(content, jobs=1)  # every context in this process (a parallel check keeps its
    # workers' shares there)
    renderer = charts.ChartRenderer(None)  # no cache: every chart rendered
    documents = [build_document(ctx, report.site) for ctx in report.contexts.values()]
    wall, cpu = time.perf_counter(), time.process_time()
    drawn = sum(len(charts.disclosure_charts(renderer, doc, report.site.catalogue)) for doc in documents)
    return {"charts": drawn, "rendered": renderer.rendered, "seconds": time.perf_counter() - wall,
            "cpu_seconds": time.process_time() - cpu}


if __name__ == "__main__":
    print(json.dumps(render_every_chart(Path(sys.argv[1]))))
