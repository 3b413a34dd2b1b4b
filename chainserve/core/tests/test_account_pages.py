"""Forgotten and changed passwords on the platform's own pages (they were Django admin's, 「Django 管理」)."""

import re

from django.core import mail
from django.test import Client


def test_a_forgotten_password_is_set_again_through_the_platform_s_pages(users, settings):
    users.office.email = "office@example.cn"
    users.office.save()
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    login = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password_reset/"' in login
    form = client.get("/accounts/password_reset/").content.decode()
    assert 'class="navbar' in form and "Django" not in form
    assert re.search(r'<input type="email" name="email"[^>]*class="form-control"', form)

    done = client.post("/accounts/password_reset/", {"email": "office@example.cn"}, follow=True)
    assert "Check your e-mail" in done.content.decode()
    link = re.search(r"/accounts/reset/[^/\s]+/[^/\s]+/", mail.outbox[0].body).group()

    confirm = client.get(link, follow=True)
    page = confirm.content.decode()
    assert "Set a new password" in page and "Django" not in page
    assert page.count('class="form-control"') == 2
    saved = client.post(confirm.redirect_chain[-1][0], {"new_password1": "明湖-新密码-2027", "new_password2": "明湖-新密码-2027"},
                        follow=True)
    assert "Your password is set" in saved.content.decode()
    assert Client().login(username="office", password="明湖-新密码-2027")
    # the link works once
    again = client.get(link, follow=True).content.decode()
    assert "This link has been used or has expired: ask for a new one." in again


def test_a_password_is_changed_on_the_platform_s_page(users, client_as):
    client = client_as(users.office)
    page = client.get("/accounts/password_change/").content.decode()
    assert 'class="navbar' in page and "Django" not in page and page.count('class="form-control"') == 3
