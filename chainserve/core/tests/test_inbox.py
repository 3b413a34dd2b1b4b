"""The inbox: reading it changes nothing; opening a message (a POST) marks it read and goes to its page."""

from django.utils import timezone

from chainserve.core.models import Notification
from chainserve.core.services import notify


def test_reading_the_inbox_marks_nothing_read(users, client_as):
    notify([users.office], "k1", "派单：申请研发费用辅导", url="/demands/")

    page = client_as(users.office).get("/inbox/")

    assert page.status_code == 200 and "unread" in page.content.decode()
    assert Notification.objects.get(key="k1").read_at is None  # a GET used to mark every shown message read


def test_opening_a_message_marks_it_read_and_goes_to_its_page(users, client_as):
    notify([users.office], "k1", "派单", url="/demands/")
    notify([users.office], "k2", "提醒", url="https://elsewhere.example/")
    one, two = Notification.objects.get(key="k1"), Notification.objects.get(key="k2")
    client = client_as(users.office)

    assert client.post(f"/inbox/{one.pk}/open/")["Location"] == "/demands/"
    assert client.post(f"/inbox/{two.pk}/open/")["Location"] == "/inbox/"  # never off the site
    assert set(Notification.objects.filter(read_at__isnull=False).values_list("key", flat=True)) == {"k1", "k2"}


def test_all_are_marked_read_at_once_and_nobody_opens_another_s_message(users, client_as):
    notify([users.office, users.handler], "k1", "派单")
    notify([users.office], "k2", "提醒")
    theirs = Notification.objects.get(key="k1", user=users.handler)

    assert client_as(users.office).post(f"/inbox/{theirs.pk}/open/").status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert client_as(users.office).post("/inbox/")["Location"] == "/inbox/"
    assert not Notification.objects.filter(user=users.office, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert Notification.objects.filter(user=users.office, read_at__lte=timezone.now()).count() == 2
