"""The tie survey: ask the partners whom they work with, compare both sides' answers.

Pure (no Streamlit).  ``records`` (what a round holds, as RDF), ``storage``
(a round file and one answer file per organisation beside the data, locked
atomic writes), ``rounds`` (opening, links and tokens, revoking,
closing), ``answers`` (a respondent's draft or submission), ``status``
(rates, confirmed and one-sided ties, PARTNER-style scores), ``review``
(accept claims into the curated data through :mod:`graph.edit`, or reject
them).  See docs/survey.md.
"""

from .answers import AnswerInput, PartnerAnswer, ProposalInput, as_input, check_answer, reopen, save_answer
from .records import Claim, Invitation, Proposal, Response, Round, RoundData, SurveyError, answers_dir, round_path
from .review import accept, accept_proposal, reject, reject_proposal, source_title
from .rounds import (
    Access,
    close_round,
    create_round,
    link_rows,
    new_token,
    open_any,
    open_link,
    reissue,
    revoke,
    round_day,
    round_files,
    token_hash,
)
from .status import status, survey_overlays, to_csv, to_json, to_markdown
from .storage import load, load_round, update

__all__ = [
    "Access",
    "AnswerInput",
    "Claim",
    "Invitation",
    "PartnerAnswer",
    "Proposal",
    "ProposalInput",
    "Response",
    "Round",
    "RoundData",
    "SurveyError",
    "accept",
    "accept_proposal",
    "as_input",
    "check_answer",
    "close_round",
    "create_round",
    "link_rows",
    "answers_dir",
    "load",
    "load_round",
    "new_token",
    "open_any",
    "open_link",
    "round_day",
    "round_files",
    "reissue",
    "reject",
    "reject_proposal",
    "reopen",
    "revoke",
    "round_path",
    "save_answer",
    "source_title",
    "status",
    "survey_overlays",
    "to_csv",
    "to_json",
    "to_markdown",
    "token_hash",
    "update",
]
