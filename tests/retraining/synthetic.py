"""Synthetic doccano data with a new label, POLICY, next to ORG/PER/LOC: for tests and docs/retraining.md.

Run as a script to write a file: `python tests/retraining/synthetic.py OUT.jsonl [TEXTS] [SEED]`.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

NAMES = {
    "PER": ["张伟", "李娜", "王芳", "刘洋", "陈明", "赵刚", "孙丽", "周杰"],
    "ORG": ["国务院扶贫办", "县扶贫办", "河南日报", "住房和城乡建设部", "省委巡查组", "农业农村部", "市财政局", "县委"],
    "LOC": ["河南省", "兰考县", "北京", "贵州", "大别山区", "甘肃省", "凉山州", "井冈山"],
    "POLICY": ["精准扶贫", "乡村振兴战略", "易地扶贫搬迁", "农村危房改造", "东西部扶贫协作", "产业扶贫",
               "健康扶贫", "教育扶贫", "消费扶贫", "就业扶贫", "生态扶贫", "定点扶贫"],
}
TEMPLATES = [
    "{ORG}召开会议，部署{LOC}{POLICY}工作。",
    "{PER}在{LOC}调研{POLICY}落实情况。",
    "{LOC}深入推进{POLICY}，{ORG}派{PER}督导。",
    "记者从{ORG}获悉，{LOC}今年全面完成{POLICY}任务。",
    "{PER}强调，要把{POLICY}和{POLICY}结合起来。",
    "{ORG}印发通知，要求各地抓好{POLICY}。",
]


def make_text(rng: random.Random, sentences: int) -> dict:
    """One doccano record of `sentences` templated sentences, spans as [start, end, label]."""
    text, spans = "", []
    for _ in range(sentences):
        for piece in rng.choice(TEMPLATES).replace("}", "{").split("{"):
            if piece in NAMES:
                name = rng.choice(NAMES[piece])
                spans.append([len(text), len(text) + len(name), piece])
                piece = name
            text += piece
    return {"text": text, "label": spans}


def make_doccano(path: Path, texts: int, seed: int = 0) -> Path:
    """Write `texts` records of one to three sentences each."""
    rng = random.Random(seed)
    records = [make_text(rng, rng.randint(1, 3)) for _ in range(texts)]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


if __name__ == "__main__":
    make_doccano(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 120, int(sys.argv[3]) if len(sys.argv) > 3 else 0)
