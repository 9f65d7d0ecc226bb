"""Rubric LLM judge: versioned rubric and templates, robust parser, judge panels, multi-turn chains, calibration."""

from twinbench.judge.calibrate import (
    CalCase,
    CalibrationReport,
    calibrate,
    make_cases,
    read_expert_scores,
    read_references,
)
from twinbench.judge.multiturn import Mode, chain_cells, expert_start, run_chains, stored_input, turn_messages
from twinbench.judge.panel import PanelAgreement, PanelGrade, aggregate, agreement
from twinbench.judge.parse import JudgeParse, parse_judgement
from twinbench.judge.perturb import KINDS, SEVERITIES, perturb
from twinbench.judge.rubric import DEFAULT_RUBRIC, VARIANTS, Category, Rubric, Variant
from twinbench.judge.run import JUDGE_SETTINGS, JudgeItem, JudgeSummary, judge_items, judge_run_id, score_details
from twinbench.judge.tasks import ChainTask, TaskSuite, Turn

__all__ = [
    "DEFAULT_RUBRIC",
    "JUDGE_SETTINGS",
    "KINDS",
    "SEVERITIES",
    "VARIANTS",
    "CalCase",
    "CalibrationReport",
    "Category",
    "ChainTask",
    "JudgeItem",
    "JudgeParse",
    "JudgeSummary",
    "Mode",
    "PanelAgreement",
    "PanelGrade",
    "Rubric",
    "TaskSuite",
    "Turn",
    "Variant",
    "agreement",
    "aggregate",
    "calibrate",
    "chain_cells",
    "expert_start",
    "judge_items",
    "judge_run_id",
    "make_cases",
    "parse_judgement",
    "perturb",
    "read_expert_scores",
    "read_references",
    "run_chains",
    "score_details",
    "stored_input",
    "turn_messages",
]
