"""Photos and documents of a visit: the demands' attachment rules, kept for those who may change the visit,
served to those who may see it; and the wording of recording a visit already made."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chainserve.coordination.models import Visit, VisitFile
from chainserve.registry.tests.factories import UserFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24


def png(name="门头照片.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@pytest.fixture
def visit(coord):
    return Visit.objects.create(organization=coord.world.nfs, visitor=coord.users.specialist,
                                visited_on=datetime.date(2026, 11, 30), purpose="了解二期项目进展")


def test_the_visitor_adds_a_photo_and_a_document_that_the_enterprise_sees(coord, visit, client_as):
    client = client_as(coord.users.specialist)
    pdf = SimpleUploadedFile("座谈纪要.pdf", b"%PDF-1.7 minutes", content_type="application/pdf")
    response = client.post(f"/coordination/visits/{visit.pk}/files/", {"files": [png(), pdf]})
    assert response.status_code == 302
    assert [(f.name, f.content_type, f.size, f.uploaded_by) for f in visit.files.all()] == [
        ("门头照片.png", "image/png", len(PNG), coord.users.specialist),
        ("座谈纪要.pdf", "application/pdf", 16, coord.users.specialist)]
    photo, minutes = visit.files.all()
    page = client_as(coord.users.enterprise).get(f"/coordination/visits/{visit.pk}/").content.decode()
    assert f'<img src="/coordination/visit-files/{photo.pk}/"' in page and "visit-files-form" not in page
    shown = client_as(coord.users.enterprise).get(f"/coordination/visit-files/{photo.pk}/")
    assert shown.status_code == 200 and shown["Content-Type"] == "image/png"
    assert b"".join(shown.streaming_content) == PNG and "attachment" not in shown.get("Content-Disposition", "")
    download = client_as(coord.users.office).get(f"/coordination/visit-files/{minutes.pk}/")
    assert download["Content-Disposition"].startswith("attachment")
    stranger = UserFactory(username="wz", role="enterprise", organization=coord.world.wz)
    assert client_as(stranger).get(f"/coordination/visit-files/{photo.pk}/").status_code == 404


@pytest.mark.parametrize(("upload", "message"), [
    (SimpleUploadedFile("照片.png", b"GIF89a not a png"), "照片.png is not really a .png file."),
    (SimpleUploadedFile("setup.exe", b"MZ\x90\x00"), "setup.exe: only PDF, images, Word, Excel and text files are accepted."),
])
def test_a_file_of_the_wrong_type_is_refused_at_the_field_and_nothing_kept(coord, visit, client_as, upload, message):
    response = client_as(coord.users.specialist).post(f"/coordination/visits/{visit.pk}/files/",
                                                      {"files": [png(), upload]})
    assert response.status_code == 400
    assert response.context["files_form"].errors == {"files": [message]}
    assert VisitFile.objects.count() == 0


def test_too_many_files_are_refused_before_any_is_read(coord, visit, client_as, settings):
    settings.UPLOAD_MAX_FILES = 2
    response = client_as(coord.users.specialist).post(f"/coordination/visits/{visit.pk}/files/",
                                                      {"files": [png("1.png"), png("2.png"), png("3.png")]})
    assert response.status_code == 400
    assert response.context["files_form"].errors == {"files": ["At most 2 files can be sent at once."]}
    assert VisitFile.objects.count() == 0


def test_only_those_who_may_change_the_visit_add_files(coord, visit, client_as, api_as):
    assert client_as(coord.users.handler).post(f"/coordination/visits/{visit.pk}/files/",
                                               {"files": [png()]}).status_code == 403
    assert api_as(coord.users.enterprise).post(f"/api/v1/visits/{visit.pk}/files/", {"files": [png()]},
                                               format="multipart").status_code == 403
    assert VisitFile.objects.count() == 0
    created = api_as(coord.users.specialist).post(f"/api/v1/visits/{visit.pk}/files/", {"files": [png()]},
                                                  format="multipart")
    assert created.status_code == 201
    assert [f["name"] for f in created.json()["files"]] == ["门头照片.png"]


def test_a_recent_visit_by_someone_else_asks_to_record_anyway(coord, visit, client_as):
    data = {"organization": coord.world.nfs.pk, "visited_on": "2026-12-01", "purpose": "回访"}
    page = client_as(coord.users.office).post("/coordination/visits/add/", data).content.decode()
    assert "Record anyway" in page and "Visit anyway" not in page
    assert not Visit.objects.filter(purpose="回访").exists()
