"""Calendar files read by a real calendar library (`icalendar`), as strict as RFC 5545 (issue #16):
the UID names this instance's host (two deployments never overwrite each other's events), every
VEVENT has SEQUENCE and LAST-MODIFIED, and SEQUENCE grows when a coordinator moves the event."""

from __future__ import annotations

import datetime
import re
import uuid
from urllib.parse import urlsplit

import icalendar

from conftest import BASE_URL, DEMO, DEMO_PASSWORD, expect_status_message, field, login, named, path_of, submit, url, visit

HOST = urlsplit(BASE_URL).hostname


def day(offset: int) -> str:
    return (datetime.date.today() + datetime.timedelta(days=offset)).isoformat()


def only_event(page, address: str):
    response = page.request.get(address)
    assert response.status == 200, f"{address}: HTTP {response.status}"
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.body())
    assert str(calendar["METHOD"]) == "PUBLISH", "a download publishes"
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1, address
    return events[0]


def check_standard_fields(event, local: str) -> None:
    uid = str(event["UID"])
    assert re.fullmatch(rf"{local}-\d+@{re.escape(HOST)}", uid), f"UID {uid} does not name the host {HOST}"
    assert "SEQUENCE" in event and int(event["SEQUENCE"]) >= 0
    assert "LAST-MODIFIED" in event
    assert event["LAST-MODIFIED"].dt.tzinfo is not None, "LAST-MODIFIED in UTC"


def test_an_event_moved_by_a_coordinator_gets_a_higher_sequence(new_context):
    title = f"Forum calendrier {uuid.uuid4().hex[:6]}"
    coordinator = new_context.page()
    login(coordinator, DEMO["coordinator"], DEMO_PASSWORD)
    visit(coordinator, "/vitre/evenements/nouveau")
    field(coordinator, "Titre", "title").fill(title)
    field(coordinator, "Présentation", "description").fill("Un forum pour vérifier les agendas.")
    field(coordinator, "Jour", "day").fill(day(12))
    field(coordinator, "Début", "start_time").fill("18:00")
    field(coordinator, "Fin", "end_time").fill("20:00")
    named(coordinator, "commune").select_option(label="Vitré")
    field(coordinator, "Adresse", "address").fill("1 place du Château")
    field(coordinator, "Nombre de places", "capacity").fill("30")
    submit(coordinator, "Enregistrer le brouillon")
    submit(coordinator, "Publier")
    expect_status_message(coordinator, "publiée")
    event_path = path_of(coordinator)

    before = only_event(coordinator, url(event_path + "/agenda.ics"))
    check_standard_fields(before, "event")
    assert str(before["SUMMARY"]) == title

    # The coordinator moves it by an hour and a day, through the edit form.
    visit(coordinator, event_path + "/modifier")
    field(coordinator, "Jour", "day").fill(day(13))
    field(coordinator, "Début", "start_time").fill("19:00")
    field(coordinator, "Fin", "end_time").fill("21:00")
    submit(coordinator, "Enregistrer")

    after = only_event(coordinator, url(event_path + "/agenda.ics"))
    check_standard_fields(after, "event")
    assert str(after["UID"]) == str(before["UID"]), "the same event, to be replaced"
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"]), "a moved event has a higher SEQUENCE"
    assert after["DTSTART"].dt - before["DTSTART"].dt == datetime.timedelta(days=1, hours=1)
    assert after["LAST-MODIFIED"].dt >= before["LAST-MODIFIED"].dt

    # The territory's feed says the same of it.
    feed = icalendar.Calendar.from_ical(coordinator.request.get(url("/vitre/evenements.ics")).body())
    mine = [e for e in feed.walk("VEVENT") if str(e["UID"]) == str(after["UID"])]
    assert len(mine) == 1 and int(mine[0]["SEQUENCE"]) == int(after["SEQUENCE"])
    for event in feed.walk("VEVENT"):
        check_standard_fields(event, "event")


def test_a_committee_meeting_file_names_the_host_and_has_sequence_and_last_modified(page):
    login(page, DEMO["coordinator"], DEMO_PASSWORD)
    committees = page.request.get(url("/vitre/instances")).text()
    meeting_paths: list[str] = []
    for committee in sorted(set(re.findall(r'href="(/vitre/instances/\d+)"', committees))):
        meeting_paths += re.findall(r'href="(/vitre/instances/\d+/seances/\d+)"', page.request.get(url(committee)).text())
    assert meeting_paths, "the demo has meetings"
    event = only_event(page, url(meeting_paths[0] + "/invitation.ics"))
    check_standard_fields(event, "seance")
