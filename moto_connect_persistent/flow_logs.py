"""Flow logs: each block a chat's flow runs, written to moto's CloudWatch Logs as Connect writes it.

Amazon Connect writes "a log entry [...] as each block in your contact flow is triggered" to
the log group of the instance, ``/aws/connect/<instance alias>``, in the same account and
region [doc: Admin Guide, "Flow logs stored in an Amazon CloudWatch log group"] — but only
when two switches are on: the instance's "Enable flow logs" (the instance attribute
``CONTACTFLOW_LOGS``, :mod:`.instance_attributes`) and the contact's flow logging, which a
**Set logging behavior** block (``UpdateFlowLoggingBehavior``) turns on or off: "logs are
generated only for contact flows that include a Set logging behavior block with logging set
to enabled" [doc: Admin Guide, "Enabling Contact Flow Logs"]. What the block sets "remains
unless it is overridden for the rest of the contact segment. It is also automatically
inherited by new segments in the chain" [doc: Flow language, UpdateFlowLoggingBehavior].

:class:`FlowLogs` is a step listener of the account and region's
:class:`~.flow_engine.FlowEngine`: under the lock it only builds the entries of the step
(:data:`MODULES`: each action type's ``ContactFlowModuleType`` and ``Parameters``) and
defers their writing (:mod:`.chat.deferred`): the thread whose call (or timer) ran the step
puts them into moto's CloudWatch Logs once it holds no lock, before the call answers. The
hand-off waits for the lock to be left because
moto's ``PutLogEvents`` delivers to the log group's subscription filters (a Lambda, Kinesis,
Firehose) on the calling thread: work a chat's lock must never wait on. A group that is not
there (deleted since the setting was turned on) gets nothing: "You must manually recreate the
CloudWatch log group. Otherwise, no further logs are published by Amazon Connect" [doc]. A
failing write is logged and fails no call.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

from .chat.clock import iso8601, utcnow
from .chat.deferred import defer
from .chat.happenings import Origin
from .chat.session import Contact
from .contact_flows import ContactFlows
from .flow_engine import FlowEngine, FlowRun, FlowStep
from .instance_attributes import InstanceAttributes, flow_log_group

log = logging.getLogger(__name__)

ENABLED = "Enabled"

#: An action's ``Parameters`` in its entry: (engine, run, action) -> each entry's Parameters
#: (one entry per item; most blocks write one).
Parameters = Callable[[FlowEngine, FlowRun, dict[str, Any]], list[dict[str, Any]]]


def _resolved(engine: FlowEngine, run: FlowRun, action: dict[str, Any]) -> list[dict[str, Any]]:
    """The block's parameters as it ran: each string with its JSONPath references resolved."""

    def resolve(value: Any) -> Any:
        if isinstance(value, str):
            return engine.text(run, value)
        if isinstance(value, dict):
            return {key: resolve(item) for key, item in value.items()}
        if isinstance(value, list):
            return [resolve(item) for item in value]
        return value

    return [resolve(action["Parameters"])]


def _attributes(engine: FlowEngine, run: FlowRun, action: dict[str, Any]) -> list[dict[str, Any]]:
    """Set contact attributes: one entry per attribute, ``Key`` and ``Value``."""
    attributes = action["Parameters"]["Attributes"]
    return [
        {"Key": engine.text(run, key), "Value": engine.text(run, value)}
        for key, value in attributes.items()
    ]


def _queue(engine: FlowEngine, run: FlowRun, action: dict[str, Any]) -> list[dict[str, Any]]:
    """Set working queue: ``Queue``, the queue's ARN [doc: the example entry of a Set working
    queue block]."""
    queue = engine.value(run, action["Parameters"].get("QueueId", "")) or ""
    if queue and not queue.startswith("arn:"):
        instance_arn = run.contact.arn.split("/contact/")[0]
        queue = f"{instance_arn}/queue/{queue}"
    return [{"Queue": queue}]


def _logging(engine: FlowEngine, run: FlowRun, action: dict[str, Any]) -> list[dict[str, Any]]:
    """Set logging behavior: ``LoggingBehavior`` ``Enable`` or ``Disable``."""
    behavior = action["Parameters"]["FlowLoggingBehavior"]
    return [{"LoggingBehavior": "Enable" if behavior == ENABLED else "Disable"}]


def _hooks(engine: FlowEngine, run: FlowRun, action: dict[str, Any]) -> list[dict[str, Any]]:
    """Set event flow (Set disconnect flow, ...): one entry per hook, its ``Type`` and the
    ``ContactFlowId`` it names."""
    hooks = action["Parameters"]["EventHooks"]
    return [
        {"Type": hook, "ContactFlowId": engine.value(run, reference) or ""}
        for hook, reference in hooks.items()
    ]


def _flow_attributes(
    engine: FlowEngine, run: FlowRun, action: dict[str, Any]
) -> list[dict[str, Any]]:
    """Set flow attributes: one entry per attribute, ``Key`` and ``Value``, as Set contact
    attributes writes them (a value exported as ``{"Value": ...}`` shows its string)."""
    given = action["Parameters"].get("FlowAttributes")
    if not isinstance(given, dict):
        return [{}]
    entries: list[dict[str, Any]] = []
    for key, attribute in given.items():
        raw = attribute.get("Value") if isinstance(attribute, dict) else attribute
        value = engine.text(run, raw) if isinstance(raw, str) else raw
        entries.append({"Key": engine.text(run, key), "Value": value})
    return entries or [{}]


def _media_streaming(parameters: dict[str, Any]) -> str:
    """Start media streaming or Stop media streaming: one action type, two console blocks."""
    stops = parameters.get("MediaStreamingState") == "Disabled"
    return "StopMediaStreaming" if stops else "StartMediaStreaming"


#: An entry's ``ContactFlowModuleType``: a name, or the name chosen by the block's Parameters.
ModuleType = str | Callable[[dict[str, Any]], str]

#: Each action type the engine runs -> the ``ContactFlowModuleType`` its entries show (the
#: console block's name, as in the entries Connect writes) and how its ``Parameters`` read.
#: Names no entry Connect wrote shows publicly are guesses, listed in docs/fidelity.md.
MODULES: dict[str, tuple[ModuleType, Parameters]] = {
    "MessageParticipant": ("PlayPrompt", _resolved),
    "UpdateContactAttributes": ("SetAttributes", _attributes),
    "Compare": ("CheckAttribute", _resolved),
    "DisconnectParticipant": ("Disconnect", _resolved),
    "EndFlowExecution": ("EndFlowExecution", _resolved),
    "UpdateContactTargetQueue": ("SetQueue", _queue),
    "TransferContactToQueue": ("Transfer", _resolved),
    "DequeueContactAndTransferToQueue": ("Transfer", _resolved),
    "TransferToFlow": ("TransferToFlow", _resolved),
    "UpdateFlowLoggingBehavior": ("SetLoggingBehavior", _logging),
    "InvokeLambdaFunction": ("InvokeExternalResource", _resolved),
    "Wait": ("Wait", _resolved),
    "GetParticipantInput": ("GetUserInput", _resolved),
    "ConnectParticipantWithLexBot": ("GetUserInput", _resolved),
    "UpdateContactEventHooks": ("SetEventHook", _hooks),
    "Loop": ("Loop", _resolved),
    "UpdateFlowAttributes": ("SetFlowAttributes", _flow_attributes),
    # NO_OPS of the engine
    "UpdateContactRecordingBehavior": ("SetRecordingBehavior", _resolved),
    "UpdateContactRecordingAndAnalyticsBehavior": ("SetRecordingAndAnalyticsBehavior", _resolved),
    "UpdateContactTextToSpeechVoice": ("SetVoice", _resolved),
    # ERROR_ON_CHAT of the engine
    "MessageParticipantIteratively": ("LoopPrompts", _resolved),
    "StartVoiceIdStream": ("SetVoiceId", _resolved),
    "CompleteOutboundCall": ("Dial", _resolved),
    "UpdateContactMediaStreamingBehavior": (_media_streaming, _resolved),
    "TagContact": ("TagContact", _resolved),
    "UnTagContact": ("TagContact", _resolved),
    "UpdateContactData": ("SetContactData", _resolved),
    "UpdateContactRoutingBehavior": ("ChangeRoutingPriority", _resolved),
    "DistributeByPercentage": ("DistributeByPercentage", _resolved),
}


def log_stream(at: datetime, instance_id: str) -> str:
    """The stream an entry goes to: the hour it was written, then the instance
    (docs/fidelity.md: AWS names none; search the whole group, as it advises)."""
    return f"{at:%Y/%m/%d/%H}/{instance_id}"


class FlowLogs:
    """The flow logs of one account and region: which contacts log, and the entries on their
    way to moto's CloudWatch Logs."""

    def __init__(
        self,
        origin: Origin,
        engine: FlowEngine,
        flows: ContactFlows,
        attributes: InstanceAttributes,
    ) -> None:
        self.origin = origin
        self.engine = engine
        self.flows = flows
        self.attributes = attributes
        #: The flow logging each contact's last Set logging behavior block set, by contact id.
        self.logging: dict[str, bool] = {}
        engine.step_listeners.append(self.stepped)

    def logs(self, contact: Contact) -> bool:
        """Whether the contact's flow logging is on: its own last block's choice, else its
        previous segment's ("inherited by new segments in the chain"), else off."""
        segments = {segment.id: segment for segment in contact.session.segments}
        current: Contact | None = contact
        while current is not None:
            if current.id in self.logging:
                return self.logging[current.id]
            previous = current.previous_contact_id
            current = segments.get(previous) if previous is not None else None
        return False

    def stepped(self, run: FlowRun, action: dict[str, Any], step: FlowStep) -> None:
        """Step listener (under the lock): a Set logging behavior block sets the contact's
        logging; with logging on for the contact and the instance, the step's entries are
        deferred to :meth:`write`. The block that enables logging writes its own entry (as
        Connect's do); the one that disables it writes none."""
        contact = run.contact
        if step.action_type == "UpdateFlowLoggingBehavior":
            behavior = action["Parameters"]["FlowLoggingBehavior"]
            self.logging[contact.id] = behavior == ENABLED
        if not self.logs(contact) or not self.attributes.flow_logs_enabled(contact.instance_id):
            return
        module = MODULES.get(step.action_type)
        if module is None:
            return
        named, parameters = module
        module_type = named if isinstance(named, str) else named(action["Parameters"])
        flow = self.flows.flows.get(contact.instance_id, {}).get(step.flow_id)
        at = utcnow()
        entry: dict[str, Any] = {
            "ContactId": contact.id,
            "ContactFlowId": flow.arn if flow is not None else step.flow_id,
            "ContactFlowName": flow.name if flow is not None else "",
            "ContactFlowModuleType": module_type,
            "Identifier": step.action,
            "Timestamp": iso8601(at),  # "2021-04-13T00:14:31.581Z"
        }
        if step.branch.startswith("Error"):
            entry["Results"] = "Error"
        if step.action_type == "InvokeLambdaFunction":
            entry["ExternalResults"] = dict(run.external)
        group = flow_log_group(self.origin, contact.instance_id)
        stream = log_stream(at, contact.instance_id)
        millis = int(at.timestamp() * 1000)
        messages = [
            json.dumps({**entry, "Parameters": each}, ensure_ascii=False)
            for each in parameters(self.engine, run, action)
        ]
        # Written by this thread once its call (or timer) has left the lock, before it answers.
        defer(partial(self.write, group, stream, millis, messages))

    def write(self, group: str, stream: str, millis: int, messages: list[str]) -> None:
        """Put one step's entries into moto's CloudWatch Logs, in order, in one PutLogEvents;
        deferred work, run with no lock held. The stream is made when first needed; a group
        that is not there gets nothing."""
        from moto.logs.exceptions import ResourceAlreadyExistsException
        from moto.logs.models import logs_backends

        logs = logs_backends[self.origin.account_id][self.origin.region_name]
        if group not in logs.groups:
            return  # "no further logs are published" until the group is recreated
        try:
            if stream not in logs.groups[group].streams:
                try:
                    logs.create_log_stream(group, stream)
                except ResourceAlreadyExistsException:
                    pass  # another thread's entry made it first
            events = [{"timestamp": millis, "message": message} for message in messages]
            answer = logs.put_log_events(group, stream, events)
            rejected = answer[1] if isinstance(answer, tuple) else None  # (token, rejected)
            if rejected:  # more than 2 hours ahead of CloudWatch's clock (advance_clock)
                log.warning("flow logs: %s refused entries at %d: %s", group, millis, rejected)
        except Exception:  # noqa: BLE001 - best effort: a flow log fails no call
            log.warning("flow logs: writing to %s failed", group, exc_info=True)
