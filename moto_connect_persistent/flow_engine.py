"""The flow engine: runs an instance's published contact flow on the chat it was started for.

:class:`FlowEngine` is owned by :class:`~moto_connect_persistent.models.ConnectPersistentBackend`
and is a listener of its chat core: when a chat segment starts (``SegmentStarted``) with a
``ContactFlowId`` that names an active, published flow of its instance, the engine queues a
:class:`FlowRun` of it; it never runs a step inside a happening's delivery (under the lock,
while the core is still writing the chat's first items): the run is work deferred
(:mod:`.chat.deferred`) for the thread whose call caused it, done once that call has left the
lock (:meth:`FlowEngine.advance`): each step then takes the lock for itself, so a flow never
holds an API call of another thread, and no step does I/O or starts a thread under the lock.
A ``ContactFlowId`` naming no such flow runs nothing (docs/fidelity.md).

A block that waits (a Wait, a Lex bot's conversation) pauses the run (:class:`Paused`,
:class:`Waiting`); the happening it waits for (the customer's message, a custom bot leaving,
its timer) resumes it, again as deferred work of the thread that brought it. A Lex bot's turn
is such work: :meth:`FlowEngine._converse` calls the bot outside the lock
(:func:`call_within`, :data:`LEX_TURN_SECONDS`), then applies its answer under it.

The customer queue flow (UpdateContactEventHooks ``CustomerQueue``) is a run of its own on the
queued contact (``FlowRun.hook``), started when the contact is queued (``ContactQueued``) and
stepped like any run; an agent joining (``ParticipantJoined``) ends it between two steps, its
Wait's timer cancelled.

Each step is recorded (:class:`FlowStep`: which block, what it did, which branch it took and
where it went), so a failing test says which block went where: :meth:`FlowEngine.log`.

Only the action types whose row in :mod:`.flow_language` says ``runs`` are run; a flow holding
any other is refused by name when a chat would start it (:meth:`FlowEngine.check_runnable`).

Calling out. A step that calls code outside the engine (a Lambda handler) never calls it
under the lock: the code may take as long as it likes, or call the mock back through boto3.
Such a step raises :class:`CallOut` instead of answering: ``call`` is what to run, and
``resume`` is the continuation. :meth:`FlowEngine._step` releases the lock, runs ``call`` on a
worker thread it starts there (outside every lock) and joins it for ``time_limit`` seconds (an
answer later than that is dropped: the :class:`Answer` says ``timed_out``); then, back under the
lock, it checks that the run may go on: the chat has not ended meanwhile, nor (for a customer
queue flow) an agent taken the chat (if either, the step is recorded with its answer dropped and
the run ends) and calls ``resume(answer)``, which gives the step's (detail,
branch, next action) like any step, raises :class:`Branch` or :class:`Paused`, or calls out
again.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from types import MappingProxyType
from typing import Any

from moto.moto_api._internal import mock_random

from . import flow_language
from .chat.clock import utcnow
from .chat.content import CUSTOMER_REMAINING
from .chat.core import ChatCore
from .chat.deferred import defer
from .chat.happenings import (
    AttributesUpdated,
    ChatEnded,
    ContactQueued,
    ItemWritten,
    ParticipantJoined,
    ParticipantLeft,
    SegmentStarted,
)
from .chat.scheduler import Timer
from .chat.session import Contact
from .contact_attributes import (
    check_attribute_keys,
    check_attribute_size,
    check_contact_tags,
    merged_references,
    merged_tags,
)
from .contact_flows import ContactFlows, StoredFlow
from .exceptions import ConnectError, InvalidRequestException
from .flow_handlers import LAMBDA, LEX_BOT, Handler
from .flow_lambda import (
    AnswerRefused,
    LambdaContext,
    NoHandler,
    external_value,
    function_name,
    lambda_event,
    response_type,
    time_limit,
    unqualified,
)
from .flow_lambda import read_answer as lambda_answer
from .lex_bots import (
    BadAnswer,
    LexResult,
    LexTurn,
    alias_parts,
    read_answer,
    recognize_text_request,
)
from .validation import service_model, validate

log = logging.getLogger(__name__)

#: How a chat ends when its flow disconnects it, or ends before it was queued [doc: contact
#: records data model, DisconnectReason: "CONTACT_FLOW_DISCONNECT"].
FLOW_DISCONNECT = "CONTACT_FLOW_DISCONNECT"
#: Steps one run may take before the engine stops it: a flow looping on itself with no
#: Wait would otherwise never end.
MAX_STEPS = 1000
#: How long a Lex bot's handler may take to answer one turn before the block takes its Error
#: branch (the mock's choice: the Flow language gives the bot no time limit of its own).
LEX_TURN_SECONDS = 30.0
#: The longest a Wait may wait [doc: Flow language, Wait: "no greater than 604800 (seven
#: days)"].
WAIT_LIMIT_SECONDS = 604800
#: The event hook of the customer queue flow [doc: block "Set customer queue flow":
#: "Specifies the flow to invoke when a customer is transferred to a queue"].
CUSTOMER_QUEUE = "CustomerQueue"
#: The event hooks whose flows the engine runs: the disconnect flow, the customer queue flow.
RUN_HOOKS = frozenset({CUSTOMER_REMAINING, CUSTOMER_QUEUE})
#: The flow type (CreateContactFlow's ``Type``) of a flow a CustomerQueue hook may name: the
#: console's Set customer queue flow block offers flows of that type only (docs/fidelity.md).
CUSTOMER_QUEUE_FLOW_TYPE = "CUSTOMER_QUEUE"
#: Actions the engine runs that a customer queue flow cannot hold, with the reference's
#: sentence saying so.
NOT_IN_CUSTOMER_QUEUE_FLOWS: dict[str, str] = {
    "TransferContactToQueue": (
        '"It is not supported in whisper flows, customer queue flows, or hold flows" [doc: '
        "Flow language, TransferContactToQueue]"
    ),
    "UpdateContactTargetQueue": (
        '"It is not supported in whisper flows, hold flows, or customer queue flows" [doc: '
        "Flow language, UpdateContactTargetQueue]"
    ),
}
#: The actions that name a queue: by QueueId, or an agent's queue by AgentId.
QUEUE_NAMING_ACTIONS = frozenset({"UpdateContactTargetQueue", "DequeueContactAndTransferToQueue"})
#: Actions only a customer queue flow may hold, with the reference's sentence saying so.
ONLY_IN_CUSTOMER_QUEUE_FLOWS: dict[str, str] = {
    "DequeueContactAndTransferToQueue": (
        '"This action is only supported in the customer queue flow" [doc: Flow language, '
        "DequeueContactAndTransferToQueue]"
    ),
}
#: A JSONPath reference inside a text ("Hello $.Attributes.name").
REFERENCE_IN_TEXT = flow_language.JSONPATH


@dataclass(frozen=True)
class FlowStep:
    """One block the engine ran: what it did and where the flow went from it."""

    flow_id: str
    #: The action's Identifier and Type.
    action: str
    action_type: str
    #: What it did ("sent 'Hello'", "set tier=gold", "compared 'gold'").
    detail: str
    #: The branch taken: "NextAction", "Condition[0] Equals 'gold'", "Error NoMatchingError",
    #: "NoMatchingCondition", or "end" for an action that ends the flow.
    branch: str
    #: The Identifier of the next action; None: the flow ended here.
    next_action: str | None


@dataclass
class FlowRun:
    """One run of a flow on one contact."""

    contact: Contact
    flow_id: str
    document: dict[str, Any]
    current: str | None
    steps: list[FlowStep] = field(default_factory=list)
    #: Results of the actions so far, for ``$.External`` (the last Lambda's answer: a flat
    #: string map, or any JSON object under ``JSON`` response validation) and others.
    external: dict[str, Any] = field(default_factory=dict)
    #: The contact's working queue (UpdateContactTargetQueue), for TransferContactToQueue.
    target_queue: str | None = None
    #: The block the run waits in (a Wait), until one of its events or its time limit.
    waiting: Waiting | None = None
    #: What the last Lex conversation left: ``$.Lex``.
    lex: LexResult = field(default_factory=LexResult)
    #: How many times each Loop block (flow id, Identifier) has run since it last reset.
    loops: dict[tuple[str, str], int] = field(default_factory=dict)
    #: The current flow's attributes (UpdateFlowAttributes): ``$.FlowAttributes``.
    flow_attributes: dict[str, str] = field(default_factory=dict)
    #: The event hook this run is the flow of (``CustomerQueue``: the customer queue flow,
    #: run while the contact waits in queue); None for the flow the segment started with.
    hook: str | None = None
    ended: bool = False

    def action(self, identifier: str) -> dict[str, Any]:
        for action in self.document["Actions"]:
            if action["Identifier"] == identifier:
                return normalized(action)
        raise KeyError(identifier)  # a published flow names only its own actions


@dataclass(eq=False)
class Waiting:
    """A run paused in a Wait block: what ends the wait, and the timer of its time limit."""

    engine: FlowEngine
    run: FlowRun
    action: dict[str, Any]
    #: The Wait's Events that interrupt it ("CustomerReturned", "BotParticipantDisconnected").
    events: frozenset[str]
    timer: Timer | None = None
    #: A Lex bot the customer talks to (ConnectParticipantWithLexBot) instead of a Wait.
    conversation: Conversation | None = None


@dataclass(eq=False)
class Conversation:
    """The customer talking to a Lex bot: what they said and the bot has not heard yet."""

    bot_alias_arn: str
    session_attributes: dict[str, str]
    #: The customer's time to answer each prompt (LexTimeoutSeconds.Text), if any.
    timeout_seconds: int | None
    inbox: list[str] = field(default_factory=list)
    #: A turn is with the bot (outside the lock): a second thread leaves the inbox to it.
    busy: bool = False


class Paused(Exception):
    """A step that waits: the run stops here until a happening or a timer resumes it."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class Branch(Exception):
    """An action's outcome that is an error branch (``ErrorType``)."""

    def __init__(self, error_type: str, detail: str) -> None:
        super().__init__(detail)
        self.error_type = error_type
        self.detail = detail


#: One action type's step: the run and the action -> (detail, branch, next action); a
#: ``branch`` of "end" ends the flow.
Step = Callable[["FlowEngine", FlowRun, dict[str, Any]], tuple[str, str, str | None]]

#: What a step decided: (detail, branch, next action); a ``branch`` of "end" ends the flow.
Outcome = tuple[str, str, str | None]


@dataclass(frozen=True)
class Answer:
    """What a call out of the engine gave: a value, the exception it raised, or nothing in
    time."""

    value: Any = None
    error: BaseException | None = None
    timed_out: bool = False


class CallOut(Exception):
    """A step that calls out of the engine (see the module's "Calling out"): ``call`` runs
    outside the lock for at most ``time_limit`` seconds; ``resume`` turns its :class:`Answer`,
    back under the lock, into the step's outcome."""

    def __init__(
        self,
        call: Callable[[], Any],
        resume: Callable[[Answer], Outcome],
        time_limit: float,
        what: str,
    ) -> None:
        super().__init__(what)
        self.call = call
        self.resume = resume
        self.time_limit = time_limit
        #: What is called, for the log when its answer is dropped ("invoke my-function").
        self.what = what

    def make(self) -> Answer:
        return call_within(self.call, self.time_limit, self.what)


def call_within(call: Callable[[], Any], time_limit: float, what: str) -> Answer:
    """Run ``call`` on a worker thread, started here (never under a lock), and wait for it at
    most ``time_limit`` seconds; a late answer is dropped."""
    answers: list[Answer] = []

    def work() -> None:
        try:
            answers.append(Answer(value=call()))
        except BaseException as err:  # whatever the code raised is its answer
            answers.append(Answer(error=err))

    worker = threading.Thread(target=work, name=f"flow call: {what}", daemon=True)
    worker.start()
    worker.join(time_limit)
    return answers[0] if answers else Answer(timed_out=True)


#: Finds the handler registered for a kind and ARNs (``flow_handlers``): the first ARN's,
#: else the next's.
FindHandler = Callable[..., Handler | None]


def no_handlers(kind: str, *arns: str) -> Handler | None:
    return None


class FlowEngine:
    """The flow runs of one account and region."""

    def __init__(
        self,
        lock: threading.RLock,
        core: ChatCore,
        flows: ContactFlows,
        find_handler: FindHandler = no_handlers,
    ) -> None:
        self.lock = lock
        self.core = core
        self.flows = flows
        #: The handlers a step calls out to (Lambda functions), of any account and region.
        self.find_handler = find_handler
        #: Every run, by contact id, in the order they started.
        self.runs: dict[str, list[FlowRun]] = {}
        #: The runs paused in a Wait, by contact id: what a customer's message or a bot
        #: leaving may resume (looked up on every item written, so kept apart).
        self.waiting: dict[str, list[FlowRun]] = {}
        #: Called under the lock with each step as it is recorded (the flow logs, flow_logs.py):
        #: like a happening's listener, each only hands the step on and never blocks.
        self.step_listeners: list[Callable[[FlowRun, dict[str, Any], FlowStep], None]] = []
        core.listeners.on(SegmentStarted, self.segment_started)
        core.listeners.on(ChatEnded, self.chat_ended)
        core.listeners.on(ItemWritten, self.item_written)
        core.listeners.on(ParticipantLeft, self.participant_left)
        core.listeners.on(ContactQueued, self.contact_queued)
        core.listeners.on(ParticipantJoined, self.participant_joined)

    # ------------------------------------------------------------------ when a flow runs

    def runnable_flow(self, instance_id: str, contact_flow_id: str) -> StoredFlow | None:
        """The flow a chat started with ``contact_flow_id`` runs: an active, published flow
        of the instance, or None (nothing runs)."""
        flow = self.flows.published_flow(instance_id, contact_flow_id)
        if flow is None or flow.state != "ACTIVE":
            return None
        return flow

    def check_runnable(self, instance_id: str, contact_flow_id: str) -> None:
        """Refuse, naming them, a flow with actions the engine does not run yet (in it or in a
        flow it transfers to by a static id): a flow is never run with blocks skipped
        silently."""
        flow = self.runnable_flow(instance_id, contact_flow_id)
        if flow is None:
            return
        missing = self.unsupported(instance_id, flow, set())
        missing |= {
            f"{kind} outside a customer queue flow ({ONLY_IN_CUSTOMER_QUEUE_FLOWS[kind]})"
            for kind in self._kinds_in(instance_id, flow, ONLY_IN_CUSTOMER_QUEUE_FLOWS, set())
        }
        if missing:
            raise InvalidRequestException(
                f"ContactFlowId '{contact_flow_id}' names flow '{flow.name}', which holds what "
                f"the mock's flow engine does not run yet: {', '.join(sorted(missing))} (see "
                "docs/flow-actions.md)."
            )

    def unsupported(self, instance_id: str, flow: StoredFlow, seen: set[str]) -> set[str]:
        """What of ``flow`` (and of the flows it transfers to statically) the engine cannot
        run: action types it does not run, and parameters of theirs it does not emulate."""
        seen.add(flow.flow_id)
        assert flow.published is not None
        missing: set[str] = set()
        for action in map(normalized, json.loads(flow.published)["Actions"]):
            kind, parameters = action["Type"], action["Parameters"]
            if not flow_language.ACTIONS[kind].runs:
                missing.add(kind)
            elif kind in QUEUE_NAMING_ACTIONS and "AgentId" in parameters:
                missing.add(f"{kind} with AgentId (agent queues)")
            elif (
                kind == "InvokeLambdaFunction"
                and parameters.get("InvocationType") == "ASYNCHRONOUS"
            ):
                missing.add("InvokeLambdaFunction with InvocationType ASYNCHRONOUS")
            elif kind == "UpdateContactRecordingAndAnalyticsBehavior" and _redacts_chat(parameters):
                missing.add(
                    "UpdateContactRecordingAndAnalyticsBehavior with "
                    "InFlightChatRedactionConfiguration (in-flight chat redaction)"
                )
            elif kind == "ConnectParticipantWithLexBot" and "LexV2Bot" not in parameters:
                missing.add("ConnectParticipantWithLexBot without LexV2Bot (Lex classic bots)")
            elif kind == "UpdateContactEventHooks":
                missing |= self._hook_problems(instance_id, parameters["EventHooks"], seen)
            elif kind == "TransferToFlow" and not flow_language.JSONPATH.fullmatch(
                parameters["ContactFlowId"]
            ):
                target = self.runnable_flow(instance_id, parameters["ContactFlowId"])
                if target is not None and target.flow_id not in seen:
                    missing |= self.unsupported(instance_id, target, seen)
        return missing

    def _hook_problems(self, instance_id: str, hooks: dict[str, str], seen: set[str]) -> set[str]:
        """What of an UpdateContactEventHooks block the engine cannot run: a hook whose flow it
        does not run, and a customer queue flow, named by a static id, that it cannot run as
        one (:meth:`queue_flow_problems`). A hook from the flow's data is checked when the
        block runs."""
        missing = {
            f"UpdateContactEventHooks with {hook}" for hook in hooks if hook not in RUN_HOOKS
        }
        reference = hooks.get(CUSTOMER_QUEUE)
        if isinstance(reference, str) and not flow_language.JSONPATH.fullmatch(reference):
            queue_flow = self.runnable_flow(instance_id, reference)
            if queue_flow is not None and queue_flow.flow_id not in seen:
                missing |= {
                    f"UpdateContactEventHooks with {CUSTOMER_QUEUE} naming flow "
                    f"'{queue_flow.name}': {problem}"
                    for problem in self.queue_flow_problems(instance_id, queue_flow, seen)
                }
        return missing

    def queue_flow_problems(self, instance_id: str, flow: StoredFlow, seen: set[str]) -> set[str]:
        """Why ``flow`` cannot run as a customer queue flow: its type is not CUSTOMER_QUEUE,
        it (or a flow it transfers to statically) holds what the engine does not run, or an
        action a customer queue flow cannot hold (:data:`NOT_IN_CUSTOMER_QUEUE_FLOWS`)."""
        problems = set()
        if flow.flow_type != CUSTOMER_QUEUE_FLOW_TYPE:
            problems.add(f"its type is {flow.flow_type}, not {CUSTOMER_QUEUE_FLOW_TYPE}")
        problems |= self.unsupported(instance_id, flow, seen)
        problems |= {
            f"{kind}, which a customer queue flow cannot hold ({NOT_IN_CUSTOMER_QUEUE_FLOWS[kind]})"
            for kind in self._kinds_in(instance_id, flow, NOT_IN_CUSTOMER_QUEUE_FLOWS, set())
        }
        return problems

    def _kinds_in(
        self, instance_id: str, flow: StoredFlow, kinds: Mapping[str, str], seen: set[str]
    ) -> set[str]:
        """Which of ``kinds`` ``flow`` (or a flow it transfers to statically) holds."""
        seen.add(flow.flow_id)
        assert flow.published is not None
        found: set[str] = set()
        for action in map(normalized, json.loads(flow.published)["Actions"]):
            kind, parameters = action["Type"], action["Parameters"]
            if kind in kinds:
                found.add(kind)
            elif kind == "TransferToFlow" and not flow_language.JSONPATH.fullmatch(
                parameters["ContactFlowId"]
            ):
                target = self.runnable_flow(instance_id, parameters["ContactFlowId"])
                if target is not None and target.flow_id not in seen:
                    found |= self._kinds_in(instance_id, target, kinds, seen)
        return found

    def segment_started(self, happening: SegmentStarted) -> None:
        """Listener: a chat that starts with a stored flow queues a run of it."""
        contact = happening.contact
        if contact.channel != "CHAT" or not contact.contact_flow_id:
            return
        flow = self.runnable_flow(contact.instance_id, contact.contact_flow_id)
        if flow is None or flow.published is None:
            return
        document = json.loads(flow.published)
        run = FlowRun(contact, flow.flow_id, document, document["StartAction"])
        run.target_queue = _inherited_queue(contact)
        self.runs.setdefault(contact.id, []).append(run)
        defer(lambda: self.advance(run))

    def chat_ended(self, happening: ChatEnded) -> None:
        """Listener: a chat that ended runs no more blocks, and waits for nothing."""
        session = happening.contact.session
        for segment in session.segments:
            for run in self.runs.get(segment.id, ()):
                run.ended = True
                if run.waiting is not None:
                    self._stop_waiting(run)

    def item_written(self, happening: ItemWritten) -> None:
        """Listener: a customer's message resumes a Wait on ``CustomerReturned`` [doc: block
        "Wait", "Customer returned: Route the contact down this branch when the customer
        returns and sends a message"]."""
        waiting = self.waiting.get(happening.contact.id)
        item = happening.item
        if not waiting or item.participant_role != "CUSTOMER" or not item.stored:
            return
        if item.type in ("MESSAGE", "ATTACHMENT"):
            self._interrupt(waiting, "CustomerReturned")
        if item.type == "MESSAGE":
            for run in list(waiting):
                if run.waiting is not None and run.waiting.conversation is not None:
                    self._heard(run.waiting, item.content or "")

    def participant_left(self, happening: ParticipantLeft) -> None:
        """Listener: a custom bot leaving resumes a Wait on ``BotParticipantDisconnected``
        [doc: Flow language, Wait: "the run result is the event that interrupted"]."""
        waiting = self.waiting.get(happening.contact.id)
        if waiting and happening.participant.role == "CUSTOM_BOT":
            self._interrupt(waiting, "BotParticipantDisconnected")

    def contact_queued(self, happening: ContactQueued) -> None:
        """Listener: a chat put in a queue, with a customer queue flow set (UpdateContactEventHooks
        ``CustomerQueue``), runs that flow while it waits [doc: block "Set customer queue flow"]
        "Specifies the flow to invoke when a customer is transferred to a queue". A queue flow
        still running for the chat stops first: it was the flow of the queue the chat left."""
        contact = happening.contact
        hook = contact.session.event_hooks.get(CUSTOMER_QUEUE)
        if contact.channel != "CHAT" or hook is None or contact.agent_id is not None:
            return
        self._stop_queue_flows(contact)
        flow = self.runnable_flow(contact.instance_id, hook)
        if flow is None or flow.published is None:
            return
        problems = self.queue_flow_problems(contact.instance_id, flow, set())
        if problems:  # changed since the hook was set: run none of it, rather than some
            log.warning(
                "customer queue flow %r of contact %s not run: %s",
                flow.name,
                contact.id,
                ", ".join(sorted(problems)),
            )
            return
        document = json.loads(flow.published)
        run = FlowRun(contact, flow.flow_id, document, document["StartAction"], hook=CUSTOMER_QUEUE)
        run.target_queue = contact.queue_id
        self.runs.setdefault(contact.id, []).append(run)
        defer(lambda: self.advance(run))

    def participant_joined(self, happening: ParticipantJoined) -> None:
        """Listener: an agent joining (accepting the chat) ends its customer queue flow, which
        is the customer's time in queue [doc: sample "interruptible queue flow": "This flow
        shows you how to manage what the customer experiences while in queue"]: no block of it
        runs again, and its Wait's timer is cancelled."""
        if happening.participant.role == "AGENT":
            self._stop_queue_flows(happening.contact)

    def _stop_queue_flows(self, contact: Contact) -> None:
        """Under the lock: the customer queue flows of ``contact``'s chat stop where they are."""
        for segment in contact.session.segments:
            for run in self.runs.get(segment.id, ()):
                if run.hook == CUSTOMER_QUEUE and not run.ended:
                    run.ended = True
                    self._stop_waiting(run)

    def _interrupt(self, runs: list[FlowRun], event: str) -> None:
        for run in list(runs):
            if run.waiting is not None and event in run.waiting.events:
                self._resume(run, event)

    def advance(self, run: FlowRun) -> None:
        """Step ``run`` until it ends or waits; called outside every lock (the work a
        happening deferred, :mod:`.chat.deferred`). Each step takes the lock for itself."""
        while self._step(run):
            pass

    def log(self, contact_id: str) -> list[FlowStep]:
        """Every step the flows of ``contact_id`` took, oldest first: which block, what it
        did, which branch it took and where it went."""
        with self.lock:
            return [step for run in self.runs.get(contact_id, ()) for step in run.steps]

    # ------------------------------------------------------------------ stepping

    def _step(self, run: FlowRun) -> bool:
        """Run the current block of ``run``; False once the run ended or waits. A step that
        calls out (:class:`CallOut`) is called outside the lock and resumed under it."""
        with self.lock:
            if run.ended or run.current is None:
                run.ended = True
                return False
            if run.contact.session.ended or (
                run.hook == CUSTOMER_QUEUE and not _in_queue(run.contact)
            ):
                run.ended = True
                return False
            action = run.action(run.current)
            if len(run.steps) >= MAX_STEPS:
                self._record(run, action, f"stopped after {MAX_STEPS} steps", "end", None)
                return False
            step = STEPS[action["Type"]]
            flow_id = run.flow_id  # the block's flow: a TransferToFlow moves the run on
            outcome = self._attempt(run, action, partial(step, self, run, action))
            if not isinstance(outcome, CallOut):
                return self._advance(run, action, outcome, flow_id)
        while True:
            call_out = outcome
            answer = call_out.make()  # outside every lock
            with self.lock:
                if run.ended or run.contact.session.ended:
                    why = (
                        "the chat ended"
                        if run.contact.session.ended
                        else "the queue flow stopped (an agent took the chat, or it moved queue)"
                    )
                    detail = f"{call_out.what}: {why} meanwhile, its answer is dropped"
                    self._record(run, action, detail, "end", None, flow_id)
                    return False
                outcome = self._attempt(run, action, partial(call_out.resume, answer))
                if not isinstance(outcome, CallOut):
                    return self._advance(run, action, outcome, flow_id)

    def _attempt(
        self, run: FlowRun, action: dict[str, Any], attempt: Callable[[], Outcome]
    ) -> Outcome | CallOut | None:
        """A step's outcome, its error branch taken; the call it makes out of the engine; or
        None: it waits (recorded)."""
        try:
            return attempt()
        except Branch as error:
            branch, following = error_branch(action, error.error_type)
            return error.detail, branch, following
        except Paused as pause:
            self._record(run, action, pause.detail, "waiting", run.current)
            return None
        except CallOut as call_out:
            return call_out

    def _advance(
        self, run: FlowRun, action: dict[str, Any], outcome: Outcome | None, flow_id: str
    ) -> bool:
        """Record the step (a block of ``flow_id``) and move the run on; False once the run
        ended or waits."""
        if outcome is None:
            return False
        detail, branch, following = outcome
        self._record(run, action, detail, branch, following, flow_id)
        if following is None:
            self._flow_ended(run)
            return False
        run.current = following
        return True

    def _record(
        self,
        run: FlowRun,
        action: dict[str, Any],
        detail: str,
        branch: str,
        following: str | None,
        flow_id: str | None = None,
    ) -> None:
        """Log one step of ``run``: ``flow_id`` is the flow of the block (the run's, unless the
        block moved the run to another flow)."""
        step = FlowStep(
            flow_id or run.flow_id, action["Identifier"], action["Type"], detail, branch, following
        )
        run.steps.append(step)
        for listener in self.step_listeners:
            try:
                listener(run, action, step)
            except Exception:  # noqa: BLE001 - as a happening's listener: fails no step
                log.exception("flow step listener %r failed", listener)
        if following is None:
            run.ended = True

    def _resume(
        self, run: FlowRun, result: str | None, detail: str = "", error: str | None = None
    ) -> None:
        """A waiting block ends with ``result`` (a Wait's event, "WaitCompleted" when its time
        is up, a Lex bot's intent) or ``error`` (an ErrorType): the block's condition on that
        result is the branch taken [doc: Flow language, Wait and ConnectParticipantWithLexBot,
        "Conditions are supported, but only the "Equals" operator is supported"], else its
        error branch; the run goes on once the lock is left."""
        waiting = run.waiting
        assert waiting is not None
        self._stop_waiting(run)
        action = waiting.action
        branch, following = "NoMatchingCondition", None
        conditions = action["Transitions"].get("Conditions", []) if error is None else []
        for index, condition in enumerate(conditions):
            if condition["Condition"]["Operands"][0] == result:
                branch, following = f"Condition[{index}] Equals {result!r}", condition["NextAction"]
                break
        else:
            branch, following = error_branch(action, error or "NoMatchingCondition")
        self._record(run, action, detail or f"the wait ended: {result}", branch, following)
        if following is None:
            self._flow_ended(run)
            return
        run.current = following
        defer(lambda: self.advance(run))

    def _stop_waiting(self, run: FlowRun) -> None:
        waiting = run.waiting
        if waiting is None:
            return
        run.waiting = None
        if waiting.timer is not None:
            waiting.timer.cancel()
        runs = self.waiting.get(run.contact.id, [])
        if run in runs:
            runs.remove(run)
        if not runs:
            self.waiting.pop(run.contact.id, None)

    def _flow_ended(self, run: FlowRun) -> None:
        """A flow that ends before the contact was queued ends the contact [doc: EndFlowExecution,
        "if a flow ends before the contact is put into queue, ending the flow results in the
        contact being ended"]. A customer queue flow ending leaves the chat in its queue [doc:
        sample "interruptible queue flow": "Press 2 ends the flow, and the customer remains in
        the queue"]."""
        contact = run.contact
        if not contact.session.ended and contact.queue_id is None and contact.agent_id is None:
            self.core.end(contact, utcnow(), FLOW_DISCONNECT)

    # ------------------------------------------------------------------ the flow's data

    def resolve(self, run: FlowRun, reference: str) -> str | None:
        """The value of one JSONPath reference into the flow's data, or None if it has none."""
        contact = run.contact
        parts = flow_language.jsonpath_names(reference)
        if not parts:
            return None
        head, rest = parts[0], parts[1:]
        if head == "Attributes" and len(rest) == 1:
            return contact.session.attributes.get(rest[0])
        if head == "External" and rest:
            return external_value(run.external, rest)
        if head == "Lex":
            return run.lex.value(rest)
        if head == "FlowAttributes" and len(rest) == 1:
            return run.flow_attributes.get(rest[0])
        system = {
            "ContactId": contact.id,
            "InitialContactId": contact.session.segments[0].id,
            "PreviousContactId": contact.previous_contact_id,
            "Channel": contact.channel,
            "InstanceARN": contact.instance_arn,
            "InitiationMethod": contact.initiation_method,
            "CustomerId": contact.customer_id,
            "Name": contact.name,
            "Description": contact.description,
            "LanguageCode": contact.language_code,
            # [doc: contact attributes] "AWS Region: When used, this returns the AWS Region
            # where the contact is being handled" ($.AwsRegion or $['AwsRegion']).
            "AwsRegion": contact.instance_arn.split(":")[3],
        }
        if head == "Tags" and len(rest) == 1:
            return contact.tags.get(rest[0])
        if not rest:
            return system.get(head)
        return None

    def text(self, run: FlowRun, value: str) -> str:
        """A dynamic text: each JSONPath reference in it replaced by its value ("" if none)."""
        return REFERENCE_IN_TEXT.sub(lambda m: self.resolve(run, m.group(0)) or "", value)

    def value(self, run: FlowRun, value: str) -> str | None:
        """A parameter that is static or a single JSONPath identifier."""
        if flow_language.JSONPATH.fullmatch(value):
            return self.resolve(run, value)
        return value

    # ------------------------------------------------------------------ the actions it runs

    def message_participant(
        self, run: FlowRun, action: dict[str, Any]
    ) -> tuple[str, str, str | None]:
        """[doc: MessageParticipant] "Sends a message to the participant [...] a text message
        for other channels"; on chat "All other channels support only the "Text" option"."""
        parameters = action["Parameters"]
        if "Text" not in parameters:
            raise Branch("NoMatchingError", "no Text to send: the chat channel sends text only")
        text = self.text(run, parameters["Text"])
        self.core.write(run.contact, "MESSAGE", "text/plain", None, text)
        return f"sent {text!r}", "NextAction", next_action(action)

    def update_contact_attributes(
        self, run: FlowRun, action: dict[str, Any]
    ) -> tuple[str, str, str | None]:
        """[doc: UpdateContactAttributes] "Sets a collection of contact attributes on either
        the current contact or the related contact. With this type of operation, either all
        attributes are set or none are set.\""""
        parameters = action["Parameters"]
        target = self._target_contact(run, parameters)
        values = {
            self.text(run, key): self.text(run, value)
            for key, value in parameters["Attributes"].items()
        }
        try:
            check_attribute_keys(values, "Attributes")
            merged = {**target.session.attributes, **values}
            check_attribute_size(merged, "Attributes")
        except ConnectError as refused:
            raise Branch("NoMatchingError", f"not set: {refused.message}") from None
        target.session.attributes = merged
        target.last_update_timestamp = utcnow()
        self.core.record(AttributesUpdated, target)
        shown = ", ".join(f"{key}={value}" for key, value in values.items())
        return f"set {shown}", "NextAction", next_action(action)

    def _target_contact(self, run: FlowRun, parameters: Mapping[str, Any]) -> Contact:
        """The contact a block changes: the current one, or with ``TargetContact`` "Related"
        the contact's related contact (the NoMatchingError branch without one)."""
        contact = run.contact
        if parameters.get("TargetContact") != "Related":
            return contact
        if contact.related_contact_id is None:
            raise Branch("NoMatchingError", "the contact has no related contact")
        target = self.core.contacts.get((contact.instance_id, contact.related_contact_id))
        if target is None:
            raise Branch("NoMatchingError", "the related contact is not found")
        return target

    def compare(self, run: FlowRun, action: dict[str, Any]) -> tuple[str, str, str | None]:
        """[doc: Compare] "Allows comparisons against the specified value"; "Conditions are
        evaluated in order, and the first Condition that evaluates to true will result in it
        being chosen"; NoMatchingCondition "if no other Condition matches"."""
        value = self.value(run, action["Parameters"]["ComparisonValue"])
        compared = "" if value is None else value
        for index, condition in enumerate(action["Transitions"].get("Conditions", [])):
            test = condition["Condition"]
            operand = test["Operands"][0]
            if evaluate(test["Operator"], compared, operand):
                return (
                    f"compared {compared!r}",
                    f"Condition[{index}] {test['Operator']} {operand!r}",
                    condition["NextAction"],
                )
        raise Branch("NoMatchingCondition", f"compared {compared!r}: no condition matched")

    def disconnect_participant(
        self, run: FlowRun, action: dict[str, Any]
    ) -> tuple[str, str, str | None]:
        """[doc: DisconnectParticipant] "Disconnects the participant from the contact and stops
        this flow from running.\""""
        self.core.end(run.contact, utcnow(), FLOW_DISCONNECT)
        return "disconnected the customer: the chat ended", "end", None

    def end_flow_execution(
        self, run: FlowRun, action: dict[str, Any]
    ) -> tuple[str, str, str | None]:
        """[doc: EndFlowExecution] "Finishes flow, but does not explicitly disconnect the
        participant.\""""
        return "the flow ended", "end", None

    def update_contact_target_queue(
        self, run: FlowRun, action: dict[str, Any]
    ) -> tuple[str, str, str | None]:
        """[doc: UpdateContactTargetQueue] "Sets the contact's TargetQueue. This is the queue
        is used by all other instructions that check a queue implicitly, and for
        TransferContactToQueue.\""""
        queue = self.value(run, action["Parameters"].get("QueueId", ""))
        if not queue:
            raise Branch("NoMatchingError", "no queue: QueueId names none")
        run.target_queue = queue.rsplit("/queue/", 1)[-1]
        return f"working queue {run.target_queue}", "NextAction", next_action(action)

    def transfer_contact_to_queue(
        self, run: FlowRun, action: dict[str, Any]
    ) -> tuple[str, str, str | None]:
        """[doc: TransferContactToQueue] "This action places a contact that is not already in a
        queue into the contact's TargetQueue. If the contact has already been put into a queue
        [...] the action fails." The chat then waits in the queue for an agent; this flow ends
        there [doc: block "Transfer to queue": "places the current contact in a queue and ends
        current flow"], and the customer queue flow, if one is set, starts
        (:meth:`contact_queued`)."""
        contact = run.contact
        if run.target_queue is None:
            raise Branch(
                "NoMatchingError", "no working queue: set one with UpdateContactTargetQueue"
            )
        if contact.queue_id is not None or contact.agent_id is not None:
            raise Branch("NoMatchingError", f"the contact is already in queue {contact.queue_id}")
        self.core.enqueue(contact, run.target_queue)
        return f"queued in {run.target_queue}", "end", None

    def dequeue_contact_and_transfer_to_queue(
        self, run: FlowRun, action: dict[str, Any]
    ) -> Outcome:
        """[doc: Flow language, DequeueContactAndTransferToQueue] "a contact in a queue is
        removed from the queue, a new contact segment is created with the existing contact as
        its previous contact, and the new contact is placed into the specified queue (referred
        to as "Queue-to-queue transfer"). If this contact has not been queued, is actively
        being joined to an agent, or has been routed to an agent, this action fails." The new
        segment's InitiationMethod is QUEUE_TRANSFER; queued, it runs the customer queue flow
        from its start (:meth:`contact_queued`), and this run ends."""
        if run.hook != CUSTOMER_QUEUE:
            why = ONLY_IN_CUSTOMER_QUEUE_FLOWS[action["Type"]]
            raise Branch("NoMatchingError", f"not in a customer queue flow: {why}")
        contact = run.contact
        if not _in_queue(contact) or contact.queue_id is None:
            raise Branch("NoMatchingError", "the contact is not waiting in a queue")
        queue = self.value(run, action["Parameters"].get("QueueId", ""))
        if not queue:
            raise Branch("NoMatchingError", "no queue: QueueId names none")
        queue_id = queue.rsplit("/queue/", 1)[-1]
        left = contact.queue_id
        new = self.core.continue_session(contact.session, "QUEUE_TRANSFER", queue_id=queue_id)
        return f"moved from queue {left} to {queue_id}: contact {new.id}", "end", None

    def update_flow_logging_behavior(
        self, run: FlowRun, action: dict[str, Any]
    ) -> tuple[str, str, str | None]:
        """[doc: UpdateFlowLoggingBehavior] "Enables or disables flow logging." What that
        turns on or off is the flow logs' (flow_logs.py), a listener of this step."""
        behavior = action["Parameters"]["FlowLoggingBehavior"]
        return f"flow logging {behavior.lower()}", "NextAction", next_action(action)

    def transfer_to_flow(self, run: FlowRun, action: dict[str, Any]) -> tuple[str, str, str | None]:
        """[doc: TransferToFlow] "Execution jumps to a different flow, and continues running at
        that flow's beginning.\""""
        target_id = self.value(run, action["Parameters"]["ContactFlowId"])
        contact = run.contact
        target = self.runnable_flow(contact.instance_id, target_id) if target_id else None
        if target is None or target.published is None:
            raise Branch("NoMatchingError", f"no published flow {target_id!r} to transfer to")
        missing = self.unsupported(contact.instance_id, target, set())
        if missing:
            raise Branch(
                "NoMatchingError",
                f"flow '{target.name}' holds what the engine does not run yet: "
                + ", ".join(sorted(missing)),
            )
        misplaced = self._kinds_in(
            contact.instance_id,
            target,
            NOT_IN_CUSTOMER_QUEUE_FLOWS if run.hook == CUSTOMER_QUEUE else {},
            set(),
        )
        if misplaced:
            raise Branch(
                "NoMatchingError",
                f"flow '{target.name}' holds what a customer queue flow cannot: "
                + ", ".join(sorted(misplaced)),
            )
        document = json.loads(target.published)
        run.flow_id, run.document = target.flow_id, document
        # UpdateFlowAttributes: "These attributes are not carried over to the subsequent flows."
        run.flow_attributes = {}
        start: str = document["StartAction"]
        return f"transferred to flow '{target.name}'", "NextAction", start

    def wait(self, run: FlowRun, action: dict[str, Any]) -> tuple[str, str, str | None]:
        """[doc: Flow language, Wait] "Pauses the flow for a specified duration, or until a
        specified event happens, whichever happens first"; "If no event interrupts the Wait
        and the time elapses, the run result is WaitCompleted"; ParticipantNotFound: "The
        supported event currently is "BotParticipantDisconnected"" (a Wait for a custom bot
        leaving, with no custom bot in the chat). The console exports the time limit as
        ``TimeLimitSeconds``, the reference names it ``TimeoutSeconds``: either is read."""
        parameters = action["Parameters"]
        events = frozenset(parameters.get("Events", ()))
        raw = parameters.get("TimeoutSeconds", parameters.get("TimeLimitSeconds"))
        seconds: int | None = None
        if raw is not None:
            value = self.value(run, str(raw))
            try:
                seconds = int(value) if value is not None else None
            except ValueError:
                seconds = None
            if seconds is None or not 1 <= seconds <= WAIT_LIMIT_SECONDS:
                raise Branch(
                    "NoMatchingError",
                    f"the time limit {raw!r} is {value!r}: not a whole number of seconds "
                    f"from 1 to {WAIT_LIMIT_SECONDS}",
                )
        if "BotParticipantDisconnected" in events and not self._bot_in_chat(run.contact):
            raise Branch("ParticipantNotFound", "no custom bot is in the chat to wait for")
        waiting = Waiting(self, run, action, events)
        if seconds is not None:
            due = utcnow() + timedelta(seconds=seconds)
            waiting.timer = self.core.arm(due, _wait_over, waiting)
        run.waiting = waiting
        self.waiting.setdefault(run.contact.id, []).append(run)
        shown = " or ".join(sorted(events)) or "nothing but the time"
        limit = f"up to {seconds} s" if seconds is not None else "with no time limit"
        raise Paused(f"waiting for {shown}, {limit}")

    def _bot_in_chat(self, contact: Contact) -> bool:
        core, root = self.core, contact.session.root
        return any(
            bot.role == "CUSTOM_BOT"
            and bot.participant_id not in core.departed
            and core.participant_tokens.get(token) is root
            for token, bot in core.token_participants.items()
        )

    def get_participant_input(
        self, run: FlowRun, action: dict[str, Any]
    ) -> tuple[str, str, str | None]:
        """[doc: block "Get customer input", Supported channels] Chat: "Yes, when Amazon Lex
        is used, otherwise it takes the Error branch". GetParticipantInput is the block
        without Lex (its DTMF form; with Lex a flow holds ConnectParticipantWithLexBot), so on
        a chat it takes the Error branch, sending nothing."""
        raise Branch("NoMatchingError", "the chat channel takes no DTMF input: the Error branch")

    def update_contact_event_hooks(
        self, run: FlowRun, action: dict[str, Any]
    ) -> tuple[str, str, str | None]:
        """[doc: Flow language, UpdateContactEventHooks] sets the flows that run on the
        contact's events; "CustomerRemaining" is the block "Set disconnect flow": the flow
        that runs when the agent leaves and the customer remains [doc: block "Set disconnect
        flow"]; "CustomerQueue" the block "Set customer queue flow", run while the contact
        waits in queue (:meth:`contact_queued`), which must name a flow the engine can run as
        one (:meth:`queue_flow_problems`), else the Error branch. The other hooks are refused
        when the flow starts (:meth:`unsupported`)."""
        hooks = action["Parameters"]["EventHooks"]
        contact = run.contact
        chosen: dict[str, str] = {}
        for hook, reference in hooks.items():
            flow_id = self.value(run, reference)
            target = self.runnable_flow(contact.instance_id, flow_id) if flow_id else None
            if target is None:
                raise Branch("NoMatchingError", f"{hook}: no published flow {flow_id!r}")
            problems = (
                self.queue_flow_problems(contact.instance_id, target, set())
                if hook == CUSTOMER_QUEUE
                else set()
            )
            if problems:
                raise Branch(
                    "NoMatchingError",
                    f"{hook}: flow '{target.name}' cannot run as a customer queue flow: "
                    + ", ".join(sorted(problems)),
                )
            chosen[hook] = target.flow_id
        session = contact.session
        session.event_hooks = MappingProxyType({**session.event_hooks, **chosen})
        shown = [f"{hook}={flow_id}" for hook, flow_id in chosen.items()]
        return f"set {', '.join(shown)}", "NextAction", next_action(action)

    def invoke_lambda_function(self, run: FlowRun, action: dict[str, Any]) -> Outcome:
        """[doc: InvokeLambdaFunction] "Invokes an AWS Lambda function with a collection of
        optional parameters. This AWS Lambda function is also given a copy of the flow run
        data"; "If an error does not occur, the response's attributes are available
        dynamically under the $.External path." The handler registered for the function's ARN
        (:mod:`.flow_handlers`) is called outside the lock (:class:`CallOut`); the rules of
        the event and the answer are :mod:`.flow_lambda`'s."""
        parameters = action["Parameters"]
        arn = self.text(run, parameters["LambdaFunctionARN"])
        if not arn:
            raise Branch("NoMatchingError", "no function: LambdaFunctionARN names none")
        attributes = {
            self.text(run, key): self.text(run, value)
            for key, value in parameters.get("LambdaInvocationAttributes", {}).items()
        }
        event = lambda_event(run.contact, attributes, run.target_queue or run.contact.queue_id)
        seconds = time_limit(parameters)
        find = self.find_handler

        def call() -> Any:
            handler = find(LAMBDA, arn, unqualified(arn))
            if handler is None:
                raise NoHandler(f"no handler is registered for {arn} (register_lambda)")
            return handler(event, LambdaContext.for_call(arn, seconds))

        def resume(answer: Answer) -> Outcome:
            name = function_name(arn)
            # The last function's answer is $.External: a failed one leaves none.
            run.external = {}
            if answer.timed_out:
                raise Branch("NoMatchingError", f"{name} did not answer within {seconds} s")
            if isinstance(answer.error, NoHandler):
                raise Branch("NoMatchingError", f"{name} failed: {answer.error}")
            if answer.error is not None:
                error = answer.error
                raise Branch("NoMatchingError", f"{name} raised {type(error).__name__}: {error}")
            try:
                run.external = lambda_answer(answer.value, response_type(parameters))
            except AnswerRefused as refused:
                raise Branch(
                    "NoMatchingError", f"{name} answered what a flow cannot take: {refused}"
                ) from None
            keys = ", ".join(run.external) or "nothing"
            return f"invoked {name}: $.External holds {keys}", "NextAction", next_action(action)

        raise CallOut(call, resume, seconds, f"invoke {function_name(arn)}")

    def connect_participant_with_lex_bot(
        self, run: FlowRun, action: dict[str, Any]
    ) -> tuple[str, str, str | None]:
        """[doc: Flow language, ConnectParticipantWithLexBot] "Connects the participant with
        the specified Amazon Lex bot. When the interaction is over, the Intent and Slots of the
        bot are available to the flow during its run"; "If the Amazon Lex interaction
        succeeds, the result is the Intent of the bot". On a chat its Text is sent, then each
        customer message goes to the bot (:mod:`.lex_bots`), its messages to the chat, until
        the bot closes the conversation."""
        parameters = action["Parameters"]
        arn = self.value(run, parameters.get("LexV2Bot", {}).get("AliasArn", ""))
        if not arn:
            raise Branch("NoMatchingError", "no Lex V2 bot alias ARN")
        try:
            alias_parts(arn)
        except ConnectError:
            raise Branch("NoMatchingError", f"{arn!r} is not a Lex V2 bot alias ARN") from None
        attributes = {
            self.text(run, key): self.text(run, value)
            for key, value in parameters.get("LexSessionAttributes", {}).items()
        }
        timeout = None
        raw = parameters.get("LexTimeoutSeconds", {}).get("Text")
        if raw is not None:
            value = self.value(run, str(raw))
            timeout = int(value) if value is not None and value.isdigit() else None
            if timeout is None or timeout < 1:
                raise Branch("NoMatchingError", f"LexTimeoutSeconds.Text {raw!r} is {value!r}")
        if "Text" in parameters:
            self.core.write(
                run.contact, "MESSAGE", "text/plain", None, self.text(run, parameters["Text"])
            )
        conversation = Conversation(arn, attributes, timeout)
        waiting = Waiting(self, run, action, frozenset(), conversation=conversation)
        run.waiting = waiting
        self.waiting.setdefault(run.contact.id, []).append(run)
        self._arm_answer_timer(waiting)
        initial = parameters.get("LexInitilizationData", parameters.get("LexInitializationData"))
        if initial and initial.get("InitialMessage"):
            self._heard(waiting, self.text(run, initial["InitialMessage"]))
        raise Paused(f"talking to Lex bot {arn}")

    def _arm_answer_timer(self, waiting: Waiting) -> None:
        conversation = waiting.conversation
        assert conversation is not None
        if waiting.timer is not None:
            waiting.timer.cancel()
            waiting.timer = None
        if conversation.timeout_seconds is not None:
            due = utcnow() + timedelta(seconds=conversation.timeout_seconds)
            waiting.timer = self.core.arm(due, _wait_over, waiting)

    def _heard(self, waiting: Waiting, text: str) -> None:
        """Under the lock: the customer said ``text`` to the bot; the bot hears it once the
        lock is left (:meth:`_converse`)."""
        conversation = waiting.conversation
        assert conversation is not None
        conversation.inbox.append(text)
        if waiting.timer is not None:
            waiting.timer.cancel()
            waiting.timer = None
        defer(lambda: self._converse(waiting))

    def _converse(self, waiting: Waiting) -> None:
        """Outside every lock: hand the customer's words to the bot, one turn at a time, and
        apply each answer under the lock: its messages to the chat, and, once the bot closes
        the conversation, the intent's branch. A handler that raises, none registered, or an
        answer RecognizeText could not give takes the Error branch (NoMatchingError)."""
        run, conversation = waiting.run, waiting.conversation
        assert conversation is not None
        while True:
            with self.lock:
                if run.waiting is not waiting or run.ended or conversation.busy:
                    return
                if not conversation.inbox:
                    self._arm_answer_timer(waiting)
                    return
                text = conversation.inbox.pop(0)
                conversation.busy = True
                request = recognize_text_request(
                    conversation.bot_alias_arn,
                    run.contact.id,
                    text,
                    conversation.session_attributes,
                )
            handler = self.find_handler(LEX_BOT, conversation.bot_alias_arn)
            turn: LexTurn | None = None
            failure = ""
            if handler is None:
                failure = f"no bot registered for {conversation.bot_alias_arn}"
            else:
                answer = call_within(
                    partial(handler, request),
                    LEX_TURN_SECONDS,
                    f"ask {conversation.bot_alias_arn}",
                )
                if answer.timed_out:
                    failure = f"the bot did not answer within {LEX_TURN_SECONDS:.0f} s"
                elif answer.error is not None:
                    raised = answer.error
                    failure = f"the bot raised {type(raised).__name__}: {raised}"
                else:
                    try:
                        turn = read_answer(answer.value)
                    except BadAnswer as bad:
                        failure = f"the bot's answer is not a RecognizeText response: {bad}"
            with self.lock:
                conversation.busy = False
                if run.waiting is not waiting or run.ended or run.contact.session.ended:
                    return
                if turn is None:
                    self._resume(run, None, failure, error="NoMatchingError")
                    return
                for content_type, content in turn.messages:
                    bot = self.core.participant(run.contact.session, "SYSTEM", display_name="BOT")
                    self.core.write(run.contact, "MESSAGE", content_type, bot, content)
                conversation.session_attributes = dict(turn.result.session_attributes)
                if turn.over:
                    run.lex = turn.result
                    intent = turn.result.intent_name
                    self._resume(run, intent, f"the bot closed with intent {intent!r}")
                    return

    # ------------------------------------------------------------------ more actions (issue 26)

    def loop(self, run: FlowRun, action: dict[str, Any]) -> Outcome:
        """[doc: Flow language, Loop] "When the same action (the same Action Identifier) is run
        multiple times, this block returns a result of "NotDone" a number of times equal to the
        specified loop count, then "Done" once, then reset." The results are named
        "ContinueLooping" and "DoneLooping" (its conditions); the count is kept per block of
        the run, and a LoopCount that is not a whole number from 0 to 100 takes the Error
        branch [doc: block "Loop": "If the provided input is not a valid number, error branch
        is taken"]."""
        raw = action["Parameters"].get("LoopCount")
        value = self.value(run, str(raw)) if raw is not None else None
        count = int(value) if value is not None and value.strip().isdigit() else None
        if count is None or not 0 <= count <= LOOP_LIMIT:
            raise Branch(
                "NoMatchingError",
                f"LoopCount {raw!r} is {value!r}: not a whole number from 0 to {LOOP_LIMIT}",
            )
        key = (run.flow_id, action["Identifier"])
        done = run.loops.get(key, 0) + 1
        if done <= count:
            run.loops[key] = done
            result, detail = "ContinueLooping", f"loop {done} of {count}"
        else:
            run.loops.pop(key, None)
            result, detail = "DoneLooping", f"done after {count} loops: the count is reset"
        for index, condition in enumerate(action["Transitions"].get("Conditions", [])):
            test = condition["Condition"]
            if test["Operator"] == "Equals" and test["Operands"][0] == result:
                return detail, f"Condition[{index}] Equals {result!r}", condition["NextAction"]
        raise Branch("NoMatchingCondition", f"{detail}: no condition for {result}")

    def update_flow_attributes(self, run: FlowRun, action: dict[str, Any]) -> Outcome:
        """[doc: Flow language, UpdateFlowAttributes] "Sets a collection of attributes on the
        current flow. These attributes are not carried over to the subsequent flows. With this
        type of operation, either all attributes are set or none are set." Each value is a
        FlowAttribute (``{"Value": ...}``, as the console exports it) or a plain string,
        static or dynamic; later blocks read it as ``$.FlowAttributes.<key>``."""
        given = action["Parameters"].get("FlowAttributes", {})
        if not isinstance(given, dict):
            raise Branch("NoMatchingError", "not set: FlowAttributes is not an object")
        values: dict[str, str] = {}
        for key, attribute in given.items():
            raw = attribute.get("Value") if isinstance(attribute, dict) else attribute
            if not isinstance(raw, str):
                raise Branch("NoMatchingError", f"not set: {key!r} has no string Value")
            values[self.text(run, key)] = self.text(run, raw)
        run.flow_attributes.update(values)
        shown = ", ".join(f"{key}={value}" for key, value in values.items())
        return f"set flow attributes {shown}", "NextAction", next_action(action)

    def no_op(self, run: FlowRun, action: dict[str, Any]) -> Outcome:
        """An action whose effect the mock cannot observe (:data:`NO_OPS`): NextAction."""
        why = NO_OPS[action["Type"]]
        return f"a no-op in the mock: {why}", "NextAction", next_action(action)

    def error_on_chat(self, run: FlowRun, action: dict[str, Any]) -> Outcome:
        """An action whose page says it takes the Error branch on the chat channel
        (:data:`ERROR_ON_CHAT`)."""
        why = ERROR_ON_CHAT[action["Type"]]
        raise Branch("NoMatchingError", f"the Error branch on chat: {why}")

    def tag_contact(self, run: FlowRun, action: dict[str, Any]) -> Outcome:
        """[doc: Flow language, TagContact] "Sets a collection of tag to the current contact.
        With this type of operation, either all tags are set or none are set"; "The TagContact
        action parameters correspond to user-defined tags that are applied on a contact": the
        tags DescribeContact's ``Tags`` shows. A tag the TagContact API would refuse (its
        model's ``ContactTagKey``: 1 to 128 characters of its pattern, never ``aws:``; a value
        up to 256), or more than its 6 on the contact, sets none: the NoMatchingError branch."""
        contact = run.contact
        given = action["Parameters"]["Tags"]
        tags = {self.text(run, key): self.text(run, value) for key, value in given.items()}
        try:
            check_contact_tags(tags, "Tags")
            merged = merged_tags(contact.tags, tags)
        except ConnectError as refused:
            raise Branch("NoMatchingError", f"no tag set: {refused.message}") from None
        contact.tags = merged
        shown = ", ".join(f"{key}={value}" for key, value in tags.items())
        return f"tagged {shown}", "NextAction", next_action(action)

    def untag_contact(self, run: FlowRun, action: dict[str, Any]) -> Outcome:
        """[doc: Flow language, UnTagContact] "Removes a collection of tags on the current
        contact. With this type of operation, either all tags are set or none are set. You
        cannot remove system-defined tags. You can only remove already existing user-defined
        tags from a contact." Keys "can only be set statically": a key the contact has no tag
        of (a system ``aws:`` key among them) removes none, the NoMatchingError branch."""
        contact = run.contact
        keys: list[str] = list(action["Parameters"]["TagKeys"])
        if not keys:
            raise Branch("NoMatchingError", "no tag removed: TagKeys names none")
        missing = [key for key in keys if key not in contact.tags]
        if missing:
            raise Branch(
                "NoMatchingError",
                f"no tag removed: the contact has no user-defined tag {', '.join(missing)}",
            )
        contact.tags = {key: value for key, value in contact.tags.items() if key not in keys}
        return f"untagged {', '.join(keys)}", "NextAction", next_action(action)

    def update_contact_data(self, run: FlowRun, action: dict[str, Any]) -> Outcome:
        """[doc: Flow language, UpdateContactData] "Sets a collection of connect defined
        attributes on specified contact. With this type of operation, either all attributes
        are set or none are set." ``Name`` and ``Description`` are DescribeContact's (checked
        as UpdateContact's model checks them); ``LanguageCode``, ``CustomerId`` and
        ``References`` are what its Lambda functions and ``$.LanguageCode`` read. The Voice ID
        and Amazon Q settings are accepted and change nothing a chat shows; a threshold or
        response time out of its documented range sets nothing: the NoMatchingError branch."""
        parameters = action["Parameters"]
        target = self._target_contact(run, parameters)
        values = {
            name: self.text(run, parameters[name])
            for name in CONTACT_DATA_TEXTS
            if isinstance(parameters.get(name), str)
        }
        references: dict[str, Mapping[str, str]] = {
            self.text(run, key): {"Type": "STRING", "Value": self.text(run, value)}
            for key, value in parameters.get("References", {}).items()
        }
        update_contact = service_model("connect").operation_model("UpdateContact").input_shape
        try:
            for name in ("Name", "Description"):
                if name in values:
                    validate(update_contact.members[name], values[name], name)
            merged = merged_references(target.references, references)
        except ConnectError as refused:
            raise Branch("NoMatchingError", f"nothing set: {refused.message}") from None
        for name, (low, high) in VOICE_ID_RANGES.items():
            if name in values:
                number = values[name].strip()
                if not number.isdigit() or not low <= int(number) <= high:
                    raise Branch(
                        "NoMatchingError",
                        f"nothing set: {name} {values[name]!r} is not a whole number from "
                        f"{low} to {high}",
                    )
        if "Name" in values:
            target.name = values["Name"]
        if "Description" in values:
            target.description = values["Description"]
        if "LanguageCode" in values:
            target.language_code = values["LanguageCode"]
        if "CustomerId" in values:
            target.customer_id = values["CustomerId"]
        target.references = merged
        target.last_update_timestamp = utcnow()
        shown = [f"{name}={values[name]}" for name in CONTACT_DATA_SHOWN if name in values]
        shown += [f"References.{key}={ref['Value']}" for key, ref in references.items()]
        return f"set {', '.join(shown) or 'nothing'}", "NextAction", next_action(action)

    def update_contact_routing_behavior(self, run: FlowRun, action: dict[str, Any]) -> Outcome:
        """[doc: Flow language, UpdateContactRoutingBehavior] "Updates the contact's routing
        details. This can move the contact forward or backward in queue, or specify a queue
        priority": ``QueuePriority`` ("lower priorities are routed preferentially") or
        ``QueueTimeAdjustmentSeconds``, both static, as DescribeContact shows them. "Errors:
        None."; the mock routes by neither (an agent takes a chat with ``connect_agent``)."""
        parameters = action["Parameters"]
        contact = run.contact
        shown = []
        if "QueuePriority" in parameters:
            contact.queue_priority = int(parameters["QueuePriority"])
            shown.append(f"queue priority {contact.queue_priority}")
        if "QueueTimeAdjustmentSeconds" in parameters:
            contact.queue_time_adjustment_seconds = int(parameters["QueueTimeAdjustmentSeconds"])
            shown.append(f"queue time adjusted by {contact.queue_time_adjustment_seconds} s")
        contact.last_update_timestamp = utcnow()
        return ", ".join(shown) or "nothing to change", "NextAction", next_action(action)

    def distribute_by_percentage(self, run: FlowRun, action: dict[str, Any]) -> Outcome:
        """[doc: Flow language, DistributeByPercentage] "Returns a random number between 1 and
        100 (inclusive) as its result, allowing comparisons against it"; its conditions are a
        chain of NumberLessThan comparisons, the first that holds taken; "NoMatchingCondition
        if no Condition matches". The number is drawn from moto's random source
        (``mock_random``), which moto's seed (``/moto-api/seed``) makes repeatable."""
        drawn = mock_random.randint(1, 100)
        for index, condition in enumerate(action["Transitions"].get("Conditions", [])):
            test = condition["Condition"]
            operand = test["Operands"][0]
            if evaluate(test["Operator"], str(drawn), operand):
                branch = f"Condition[{index}] {test['Operator']} {operand!r}"
                return f"drew {drawn}", branch, condition["NextAction"]
        raise Branch("NoMatchingCondition", f"drew {drawn}: no condition matched")


#: UpdateContactData's string parameters the engine reads, and those its log shows.
CONTACT_DATA_TEXTS = (
    "Name",
    "Description",
    "LanguageCode",
    "CustomerId",
    "VoiceAuthenticationThreshold",
    "VoiceAuthenticationResponseTime",
    "FraudDetectionThreshold",
)
CONTACT_DATA_SHOWN = ("Name", "Description", "LanguageCode", "CustomerId")
#: [doc: Flow language, UpdateContactData] the thresholds "must be between 0 and 100"; the
#: response time "must be between 5 and 10".
VOICE_ID_RANGES: dict[str, tuple[int, int]] = {
    "VoiceAuthenticationThreshold": (0, 100),
    "VoiceAuthenticationResponseTime": (5, 10),
    "FraudDetectionThreshold": (0, 100),
}


#: The largest LoopCount [doc: Flow language, Loop: "must be between 0 and 100 (inclusive)"].
LOOP_LIMIT = 100

#: Actions the mock runs as no-ops: what they change (recording, speech) a chat in the mock
#: never shows. Each takes NextAction; the log's detail says why.
NO_OPS: dict[str, str] = {
    "UpdateContactRecordingBehavior": "the mock records and analyses nothing",
    "UpdateContactRecordingAndAnalyticsBehavior": "the mock records and analyses nothing",
    "UpdateContactTextToSpeechVoice": (
        "the voice is for text-to-speech on voice contacts; a chat speaks no text"
    ),
}

#: Actions whose documented chat behaviour is the Error branch, with the sentence saying so.
ERROR_ON_CHAT: dict[str, str] = {
    "MessageParticipantIteratively": (
        '"it immediately takes the error branch on the chat channel" [doc: Flow language, '
        "MessageParticipantIteratively]"
    ),
    "StartVoiceIdStream": (
        '"If used with the chat or task channels, the action takes the Error branch" [doc: '
        "Flow language, StartVoiceIdStream]"
    ),
    "CompleteOutboundCall": (
        '"Call phone number": Chat "No - Error branch" [doc: Supported channels for flow blocks]'
    ),
    "UpdateContactMediaStreamingBehavior": (
        '"If this block is triggered during a chat conversation, the contact is routed down '
        'the Error branch" [doc: block "Start media streaming"]'
    ),
}


def _redacts_chat(value: Any) -> bool:
    """Whether recording parameters turn on in-flight chat redaction [doc: Flow language,
    UpdateContactRecordingAndAnalyticsBehavior: "In-flight redaction for chat messages as they
    are sent"], which changes what a chat shows and the mock does not emulate."""
    if isinstance(value, dict):
        redaction = value.get("InFlightChatRedactionConfiguration")
        if isinstance(redaction, dict) and str(redaction.get("Enabled")).lower() == "true":
            return True
        return any(_redacts_chat(member) for member in value.values())
    return False


def _inherited_queue(contact: Contact) -> str | None:
    """The working queue a disconnect flow starts with: the queue of the contact the agent
    left. [doc: Sample disconnect flow] "If the customer returns in 15 minutes, the customer
    is transferred to a queue to chat with another agent", with a Transfer to queue block and
    no Set working queue block of its own (docs/fidelity.md)."""
    if contact.initiation_method != "DISCONNECT":
        return None
    for segment in contact.session.segments:
        if segment.id == contact.previous_contact_id:
            return segment.queue_id
    return None


def _in_queue(contact: Contact) -> bool:
    """Whether ``contact`` still waits in its queue: not ended, no agent has accepted it."""
    return not contact.ended and contact.agent_id is None


def _wait_over(core: ChatCore, waiting: Waiting, due: datetime) -> None:
    """Timer: a Wait's time is up (under the core's lock)."""
    run = waiting.run
    if run.waiting is not waiting or run.ended:
        return
    if waiting.conversation is None:
        waiting.engine._resume(run, "WaitCompleted")
    else:
        detail = "the customer did not answer the bot in time"
        waiting.engine._resume(run, None, detail, error="InputTimeLimitExceeded")


def normalized(action: dict[str, Any]) -> dict[str, Any]:
    """An action with its Parameters and Transitions, which a published flow may omit."""
    return {"Parameters": {}, "Transitions": {}, **action}


def next_action(action: dict[str, Any]) -> str | None:
    following = action["Transitions"].get("NextAction")
    return following if isinstance(following, str) else None


def error_branch(action: dict[str, Any], error_type: str) -> tuple[str, str | None]:
    """The branch an error takes: its own ErrorType, else NoMatchingError ("invoked when an
    error occurs and no other Error matches"), else NoMatchingCondition's fall-back to
    NextAction for a condition no branch matched; with none, the flow ends."""
    errors = {e["ErrorType"]: e["NextAction"] for e in action["Transitions"].get("Errors", [])}
    if error_type in errors:
        return f"Error {error_type}", errors[error_type]
    if error_type != "NoMatchingCondition" and "NoMatchingError" in errors:
        return f"Error {error_type} -> NoMatchingError", errors["NoMatchingError"]
    if error_type == "NoMatchingCondition" and next_action(action) is not None:
        return "NoMatchingCondition -> NextAction", next_action(action)
    return f"Error {error_type}: no branch, the flow ends", None


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def evaluate(operator: str, result: str, operand: str) -> bool:
    """[doc: Actions, List of Operators] each operator's rule; a Number operator is false
    when "either the result or the specified string are not numeric"."""
    if operator == "Equals":
        return result == operand
    if operator == "TextStartsWith":
        return result.startswith(operand)
    if operator == "TextEndsWith":
        return result.endswith(operand)
    if operator == "TextContains":
        return operand in result
    left, right = _number(result), _number(operand)
    if left is None or right is None:
        return False
    return {
        "NumberGreaterThan": left > right,
        "NumberGreaterOrEqualTo": left >= right,
        "NumberLessThan": left < right,
        "NumberLessOrEqualTo": left <= right,
    }[operator]


#: The step of each action type the engine runs (``flow_language``'s ``runs`` says which).
STEPS: dict[str, Step] = {
    "MessageParticipant": FlowEngine.message_participant,
    "UpdateContactAttributes": FlowEngine.update_contact_attributes,
    "Compare": FlowEngine.compare,
    "DisconnectParticipant": FlowEngine.disconnect_participant,
    "EndFlowExecution": FlowEngine.end_flow_execution,
    "UpdateContactTargetQueue": FlowEngine.update_contact_target_queue,
    "TransferContactToQueue": FlowEngine.transfer_contact_to_queue,
    "TransferToFlow": FlowEngine.transfer_to_flow,
    "Wait": FlowEngine.wait,
    "GetParticipantInput": FlowEngine.get_participant_input,
    "UpdateContactEventHooks": FlowEngine.update_contact_event_hooks,
    "ConnectParticipantWithLexBot": FlowEngine.connect_participant_with_lex_bot,
    "UpdateFlowLoggingBehavior": FlowEngine.update_flow_logging_behavior,
    "InvokeLambdaFunction": FlowEngine.invoke_lambda_function,
    "Loop": FlowEngine.loop,
    "UpdateFlowAttributes": FlowEngine.update_flow_attributes,
    "TagContact": FlowEngine.tag_contact,
    "UnTagContact": FlowEngine.untag_contact,
    "UpdateContactData": FlowEngine.update_contact_data,
    "UpdateContactRoutingBehavior": FlowEngine.update_contact_routing_behavior,
    "DistributeByPercentage": FlowEngine.distribute_by_percentage,
    "DequeueContactAndTransferToQueue": FlowEngine.dequeue_contact_and_transfer_to_queue,
    **{name: FlowEngine.no_op for name in NO_OPS},
    **{name: FlowEngine.error_on_chat for name in ERROR_ON_CHAT},
}
