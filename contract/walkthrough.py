"""The README's class walk-through ("A class's life, with curl"), through a
client generated from the checked-in openapi/openapi.json by
openapi-python-client: create, start, join, participants, leave, end,
recording, details. Every answer is parsed by the generated models (a field
the document calls required and the server leaves out fails the parse) and
its status and values are asserted.

Run by contract/run with the generated package on PYTHONPATH and
CONTRACT_BASE_URL, CONTRACT_TEACHER (a training manager's token) and
CONTRACT_STUDENT (a student's token of the same tenant) set.
"""

import datetime
import os
import sys

from liveclass_client import AuthenticatedClient
from liveclass_client.api.live_classes import (
    create_class,
    end_class,
    get_class,
    join_class,
    leave_class,
    list_participants,
    set_recording,
    start_class,
)
from liveclass_client.models import (
    ClassDetailsResponse,
    ClassResponse,
    CreateClassBody,
    EndedResponse,
    JoinResponse,
    LeaveResponse,
    ParticipantsResponse,
    RecordingBody,
    RecordingResponse,
    RoleDto,
    StartedResponse,
    StatusDto,
)

BASE = os.environ["CONTRACT_BASE_URL"]
teacher = AuthenticatedClient(base_url=BASE, token=os.environ["CONTRACT_TEACHER"], raise_on_unexpected_status=True)
student = AuthenticatedClient(base_url=BASE, token=os.environ["CONTRACT_STUDENT"], raise_on_unexpected_status=True)

steps = 0


def step(name, response, status, model):
    """The answer has `status` and parses as `model`; returns the parsed body."""
    global steps
    assert response.status_code == status, f"{name}: {response.status_code} {response.content!r}"
    assert isinstance(response.parsed, model), f"{name}: parsed as {type(response.parsed).__name__}"
    assert response.headers.get("x-request-id"), f"{name}: no x-request-id header"
    steps += 1
    print(f"walkthrough: ok   {name}: {status} {model.__name__}")
    return response.parsed


scheduled_at = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)).replace(microsecond=0)

created = step(
    "create",
    create_class.sync_detailed(
        client=teacher,
        body=CreateClassBody(title="Advanced JavaScript", scheduled_at=scheduled_at, max_participants=150),
    ),
    201,
    ClassResponse,
)
assert created.status == StatusDto.SCHEDULED
assert created.title == "Advanced JavaScript"
assert created.max_participants == 150
assert created.scheduled_at == scheduled_at
assert created.created_by == "teacher-1"
assert created.participant_count == 0 and created.active_participants == 0
assert created.started_at is None and created.ended_at is None and created.recording_url is None
class_id = created.id

started = step("start", start_class.sync_detailed(class_id, client=teacher), 200, StartedResponse)
assert started.id == class_id and started.status == StatusDto.LIVE

joined = step("join", join_class.sync_detailed(class_id, client=student), 200, JoinResponse)
assert joined.live_class_id == class_id
assert joined.user_id == "student-1"
assert joined.role == RoleDto.PARTICIPANT
assert joined.already_joined is False
assert joined.join_url

who = step("participants", list_participants.sync_detailed(class_id, client=student), 200, ParticipantsResponse)
assert who.live_class_id == class_id
# The teacher, seated by the start, and the student.
assert who.active_count == 2 and who.max_capacity == 150 and who.is_full is False
assert who.capacity_used == "1%"
assert sorted(p.user_id for p in who.participants) == ["student-1", "teacher-1"]
assert [p.user_name for p in who.participants if p.user_id == "student-1"] == ["Grace"]

left = step("leave", leave_class.sync_detailed(class_id, client=student), 200, LeaveResponse)
assert left.live_class_id == class_id and left.user_id == "student-1"
assert left.left_at >= left.joined_at

ended = step("end", end_class.sync_detailed(class_id, client=teacher), 200, EndedResponse)
assert ended.id == class_id and ended.status == StatusDto.ENDED

recording = step(
    "recording",
    set_recording.sync_detailed(
        class_id, client=teacher, body=RecordingBody(recording_url="s3://bucket/recording.mp4")
    ),
    200,
    RecordingResponse,
)
assert recording.id == class_id and recording.recording_url == "s3://bucket/recording.mp4"

details = step("details", get_class.sync_detailed(class_id, client=teacher), 200, ClassDetailsResponse)
assert details.id == class_id
assert details.status == StatusDto.ENDED
assert details.recording_url == "s3://bucket/recording.mp4"
assert details.started_at is not None and details.ended_at is not None
assert details.participant_count == 2 and details.active_participants == 0
assert sorted((p.user_id, p.role.value) for p in details.participants) == [
    ("student-1", RoleDto.PARTICIPANT.value),
    ("teacher-1", RoleDto.TEACHER.value),
]
assert all(p.left_at is not None for p in details.participants)

print(f"walkthrough: {steps} passed, 0 failed")
sys.exit(0)
