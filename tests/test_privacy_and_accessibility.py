"""The organisation's privacy notice (its facilitators edit it, every member reads it) and the
accessibility statement the 2018 regulations ask for, linked from the foot of every page."""

import pytest
from django.test import Client
from django.urls import reverse

from organisations.models import AuditEvent, Organisation, RetentionAction
from organisations.privacy import privacy_default

NOTICE = reverse("privacy_notice", kwargs={"org": "northshire"})
EDIT = reverse("privacy_notice_edit", kwargs={"org": "northshire"})
STATEMENT = reverse("accessibility")


def test_every_member_reads_the_default_notice_with_the_organisations_name_and_period(
    client_for, northshire, vic
):
    Organisation.objects.filter(pk=northshire.pk).update(
        retention_months=72, retention_action=RetentionAction.ANONYMISE
    )
    page = client_for(vic).get(NOTICE)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Northshire Council is the controller" in text
    assert "Closed workshops are kept for 6 years after they close; then they are anonymised" in (
        text
    )
    assert "Former member 3" in text and "subject access request" in text
    assert "ico.org.uk" in text
    assert "Edit the privacy notice" not in text  # a viewer reads it, no more


def test_a_facilitator_edits_the_notice_and_the_edit_is_audited(client_for, northshire, alice, bob):
    text = "# Who we are\nNorthshire's DPO: dpo@northshire.example\n\n- one\n- two <b>bold</b>"
    response = client_for(alice).post(EDIT, {"text": text})
    assert response.status_code == 302
    northshire.refresh_from_db()
    assert northshire.privacy_notice == text
    event = AuditEvent.objects.get(action="privacy_notice_changed")
    assert event.actor == alice and f"({len(text)} characters)" in event.summary
    page = client_for(bob).get(NOTICE).content.decode()
    assert '<h2 class="h4 mt-4">Who we are</h2>' in page
    assert "<li>one</li>" in page
    assert "two &lt;b&gt;bold&lt;/b&gt;" in page  # plain text, never HTML


def test_the_edit_form_starts_from_the_default_and_saving_it_unchanged_keeps_it_the_default(
    client_for, northshire, alice
):
    form = client_for(alice).get(EDIT).content.decode()
    assert "Northshire Council is the controller" in form
    client_for(alice).post(EDIT, {"text": privacy_default(northshire) + "\n"})
    northshire.refresh_from_db()
    assert northshire.privacy_notice == ""  # still the default: it follows the period
    Organisation.objects.filter(pk=northshire.pk).update(retention_months=18)
    assert "kept for 18 months" in client_for(alice).get(NOTICE).content.decode()


def test_an_empty_notice_puts_the_default_back(client_for, northshire, alice):
    Organisation.objects.filter(pk=northshire.pk).update(privacy_notice="Our own words.")
    client_for(alice).post(EDIT, {"text": "  "})
    northshire.refresh_from_db()
    assert northshire.privacy_notice == ""
    assert AuditEvent.objects.get(action="privacy_notice_changed").summary == (
        "Put the default privacy notice back."
    )


def test_a_notice_too_long_comes_back_as_typed_with_the_reason(client_for, northshire, alice):
    typed = "Too long. " * 2100
    response = client_for(alice).post(EDIT, {"text": typed})
    assert response.status_code == 400
    assert "at most 20000 characters" in response.content.decode()
    assert typed.strip()[:200] in response.content.decode()
    northshire.refresh_from_db()
    assert northshire.privacy_notice == ""


@pytest.mark.parametrize("who", ["bob", "vic"])
def test_members_and_viewers_cannot_edit_the_notice(request, client_for, northshire, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(EDIT).status_code == 403
    assert client.post(EDIT, {"text": "Nothing is held."}).status_code == 403
    northshire.refresh_from_db()
    assert northshire.privacy_notice == ""


def test_another_organisations_people_cannot_read_or_edit_it(client_for, northshire, mallory):
    client = client_for(mallory)
    assert client.get(NOTICE).status_code == 404
    assert client.post(EDIT, {"text": "Nothing is held."}).status_code == 404


def test_the_notice_is_linked_from_the_foot_of_the_organisations_pages(client_for, bob, northshire):
    for page in ("organisation_home", "members", "action_tracker"):
        html = client_for(bob).get(reverse(page, kwargs={"org": "northshire"})).content.decode()
        assert f'href="{NOTICE}">Privacy notice of Northshire Council</a>' in html, page


# ---------------------------------------------------------------- the accessibility statement


def test_the_statement_is_public_and_says_what_was_and_was_not_tested():
    page = Client().get(STATEMENT)
    assert page.status_code == 200
    text = page.content.decode()
    assert "axe-core" in text and "Keyboard only" in text and "320 pixels" in text
    assert "no test has been made with a screen reader" in text
    assert "partially compliant" in text
    assert "This statement was prepared on 1 December 2026" in text
    assert "ask the IT service desk" in text  # no contact set


def test_the_statement_gives_the_contact_the_server_sets(settings):
    settings.ACCESSIBILITY_CONTACT = "accessibility@northshire.example"
    text = Client().get(STATEMENT).content.decode()
    assert '<a href="mailto:accessibility@northshire.example">' in text
    settings.ACCESSIBILITY_CONTACT = "Call the service desk on 01632 960000"
    assert "Call the service desk on 01632 960000" in Client().get(STATEMENT).content.decode()


@pytest.mark.parametrize("url", ["/accounts/login/", "/model/", "/o/northshire/", "/"])
def test_every_page_links_the_statement_from_its_foot(client_for, alice, url):
    client = client_for(alice) if url.startswith("/o/") else Client()
    response = client.get(url, follow=True)
    assert f'<a href="{STATEMENT}">Accessibility statement</a>' in response.content.decode()


def test_the_page_shown_while_the_database_is_away_links_it_too():
    from django.template.loader import render_to_string

    html = render_to_string("503.html", {"retry_after": 5})
    assert f'<a href="{STATEMENT}">Accessibility statement</a>' in html
