"""Demo correction requests (信息更正申请) of the demo enterprise: one the chain office approved (its website, which
no eligibility rule reads, so the demo's matches stay as they are), one it refused with its reason, one waiting."""

from chainserve.core.models import User

from . import services
from .models import Label


def load():
    """Called once, inside the demo's transaction, after the matches are computed."""
    enterprise, office = User.objects.get(username="enterprise"), User.objects.get(username="office")
    org = enterprise.organization
    approved = services.request_correction(enterprise, org, "website", "www.lanze-gene.cn",
                                           "企业官网已上线，请补充至档案。")
    services.approve_correction(office, approved.pk)
    refused = services.request_correction(enterprise, org, "employees", "420", "含劳务派遣及实习人员共420人。")
    services.refuse_correction(office, refused.pk, "员工人数按社保缴纳人数填报，请提供近三个月社保缴费清单后重新申请。")
    held = set(org.labels.values_list("pk", flat=True))
    wanted = Label.objects.filter(slug__in=["hitech", "srdi"]).exclude(pk__in=held).order_by("slug").first()
    labels = {str(pk) for pk in held | {wanted.pk}}
    services.request_correction(enterprise, org, "labels", sorted(labels),
                                "2026年通过认定，证书编号GR202642000123，附证书扫描件。")
