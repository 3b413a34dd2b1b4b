"""Cancelling a meeting or an activity sits behind a confirming step: a button opens the question and the reason
asked for; a refused or incomplete cancel changes nothing."""

import re

import pytest

from chainserve.coordination.models import Activity, Meeting


@pytest.mark.parametrize(("page", "step", "box"), [
    ("meetings/{meeting}/", "meetings/{meeting}/cancel/", "cancel-meeting"),
    ("activities/{activity}/", "activities/{activity}/cancel/", "cancel-activity"),
])
def test_the_cancel_form_is_closed_until_asked_for_and_reopens_on_an_error(coord, client_as, page, step, box):
    ids = {"meeting": coord.meeting.pk, "activity": coord.activity.pk}
    client = client_as(coord.users.office)
    shown = client.get("/coordination/" + page.format(**ids)).content.decode()
    assert re.search(rf'<details class="confirm-step[^"]*" id="{box}">', shown)
    response = client.post("/coordination/" + step.format(**ids), {"cancel-reason": "  "})
    assert response.status_code == 400
    assert re.search(rf'<details class="confirm-step[^"]*" id="{box}" open>', response.content.decode())
    assert Meeting.objects.get().status == "scheduled" and Activity.objects.get().status == "planned"


def test_a_meeting_is_cancelled_with_its_reason_once_confirmed(coord, client_as):
    response = client_as(coord.users.office).post(f"/coordination/meetings/{coord.meeting.pk}/cancel/",
                                                  {"cancel-reason": "会议室冲突，改期另行通知。"})
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert (meeting.status, meeting.cancel_reason) == ("cancelled", "会议室冲突，改期另行通知。")


def test_a_handler_cannot_cancel_a_meeting(coord, client_as):
    client = client_as(coord.users.handler)
    assert 'id="cancel-meeting"' not in client.get(f"/coordination/meetings/{coord.meeting.pk}/").content.decode()
    assert client.post(f"/coordination/meetings/{coord.meeting.pk}/cancel/",
                       {"cancel-reason": "不开了"}).status_code == 403
    assert (Meeting.objects.get().status, Meeting.objects.get().cancel_reason) == ("scheduled", "")
