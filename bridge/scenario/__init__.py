"""Declarative JobScheduler scenarios: a TOML file of ordered steps with expectations.

* :mod:`.model` -- the typed, frozen form of a scenario and of its result;
* :mod:`.loader` -- TOML to :class:`~.model.Scenario`, validated before any device is touched;
* :mod:`.runner` -- executes a scenario on a :class:`bridge.jobs.Session`;
* :mod:`.junit` / :mod:`.html` -- reports.

The format is documented in ``scenarios/README.md``.
"""

from bridge.scenario.loader import ScenarioError, load_scenario, parse_scenario
from bridge.scenario.model import Scenario, ScenarioResult, StepOutcome, StepStatus
from bridge.scenario.runner import run_scenario

__all__ = ["Scenario", "ScenarioError", "ScenarioResult", "StepOutcome", "StepStatus", "load_scenario",
           "parse_scenario", "run_scenario"]
