"""Policy applications — 政策申报到兑现: every state change of a `PolicyApplication`, with its permission check,
its event and its notifications. Views and the API call these functions and nothing else changes the state.

Who does what: the enterprise applies, answers a return and confirms receipt; the policy's issuing department
(its office and handler users) reviews (start, return for more, approve, refuse with a reason) and records the
payment; the department or the chain office publishes the 公示 list. Each step locks the application's row and
checks the version the actor saw, so two people acting at once get one winner and one ConflictError.
"""

import mimetypes

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chainserve.core.choices import Role
from chainserve.core.models import User
from chainserve.core.services import notify
from chainserve.core.uploads import SHOWN_NAME_CHARS, STORED_NAME_CHARS, check_attachments, short_name
from chainserve.core.workdays import add_working_days, current_calendar, working_days_between
from chainserve.demands.choices import EscalationLevel

from .choices import REVIEW_STATES, ApplicationState, ApplicationStep, DocumentKind, ItemStatus
from .models import ApplicationDocument, ApplicationEvent, Policy, PolicyApplication

S = ApplicationState
REVIEW_DAYS = 20  # working days the department has to decide (counted again after the firm answers a return)
OBJECTION_DAYS = 5  # working days a 公示 list stays open for objections
REMIND_DAYS = 5  # working days before a policy's application window closes that matched firms are reminded
PAYMENT_DAYS = 30  # working days from approval to payment (公示 included); past them the approval escalates
UNPAID_STATES = (S.APPROVED, S.PUBLICISED)  # approved and not paid yet


class ConflictError(ValidationError):
    """Someone else changed the application since the actor loaded it."""


# ---------------------------------------------------------------- who may act

def is_firm(user, application) -> bool:
    return user.role == Role.ENTERPRISE and user.organization_id == application.enterprise_id


def is_department(user, policy) -> bool:
    """A user of the policy's issuing department (its office or handler staff), or a platform admin."""
    if user.is_admin_role:
        return True
    return user.role in (Role.OFFICE, Role.HANDLER) and user.organization_id == policy.issuer_id


def may_publicise(user, policy) -> bool:
    return is_department(user, policy) or user.role == Role.OFFICE


STEP_ACTORS = {  # step → who may take it (the state is checked after)
    "start_review": lambda u, a: is_department(u, a.policy),
    "return": lambda u, a: is_department(u, a.policy),
    "approve": lambda u, a: is_department(u, a.policy),
    "refuse": lambda u, a: is_department(u, a.policy),
    "pay": lambda u, a: is_department(u, a.policy),
    "publicise": lambda u, a: may_publicise(u, a.policy),
    "objection": lambda u, a: may_publicise(u, a.policy),
    "answer": is_firm,
    "receive": is_firm,
}


STEP_STATES = {  # step → the states it starts from
    "start_review": (S.SUBMITTED,), "return": REVIEW_STATES, "approve": REVIEW_STATES, "refuse": REVIEW_STATES,
    "answer": (S.RETURNED,), "publicise": (S.APPROVED,), "objection": (S.PUBLICISED,), "pay": (S.PUBLICISED,),
    "receive": (S.PAID,),
}


def may_take(step, user, application) -> bool:
    """Whether user is someone who takes this step on this application (whatever its state now)."""
    return STEP_ACTORS[step](user, application)


def _require(allowed):
    if not allowed:
        raise PermissionDenied(_("You may not take this step on this application."))


def _require_state(application, *states):
    if application.state not in states:
        raise ValidationError(_("Not possible while the application is “%(s)s”.")
                              % {"s": application.get_state_display()})


def _required_text(value, field, message):
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _amount(value, field):
    if value is None or value == "":
        return None
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise ValidationError({field: _("Enter an amount in fen, a whole number.")}) from None
    if value < 0:
        raise ValidationError({field: _("An amount cannot be negative.")})
    return value


# ---------------------------------------------------------------- writing

def _lock(application, version):
    locked = PolicyApplication.objects.select_for_update(of=("self",)).select_related("policy", "enterprise").get(
        pk=application.pk)
    try:
        stale = version is not None and int(version) != locked.version
    except (TypeError, ValueError):
        raise ValidationError({"version": _("Reload the page and try again.")}) from None
    if stale:
        raise ConflictError(_("Someone else has just updated this application. Reload it to see what changed."))
    return locked


def _today():
    return timezone.localdate()


def _record(application, step, user, *, was="", note="", data=None, files=(), kind=DocumentKind.DOCUMENT):
    event = ApplicationEvent.objects.create(application=application, type=step, actor=user, at=timezone.now(),
                                            from_state=was,
                                            to_state=application.state, note=note, data=data or {})
    for f in files:
        doc = ApplicationDocument(application=application, event=event, kind=kind,
                                  name=short_name(f.name, SHOWN_NAME_CHARS), size=f.size, uploaded_by=user,
                                  content_type=mimetypes.guess_type(f.name)[0] or "application/octet-stream")
        doc.file.save(short_name(f.name, STORED_NAME_CHARS), f, save=False)
        doc.save()
    return event


def _move(application, to, step, user, **event):
    was = application.state
    application.state = to
    application.version += 1
    application.save()
    return _record(application, step, user, was=was, **event)


def _firm_users(application):
    return User.objects.filter(role=Role.ENTERPRISE, organization_id=application.enterprise_id, is_active=True)


def _department_users(policy):
    return User.objects.filter(role__in=(Role.OFFICE, Role.HANDLER), organization_id=policy.issuer_id,
                               is_active=True)


def _tell(users, application, step, title):
    """Notify users of a step; title is lazy, so that it is written in the platform's language."""
    with translation.override(settings.LANGUAGE_CODE):
        notify(list(users), f"application:{application.pk}:{step}:{application.version}",
               str(title) % {"policy": application.policy.title, "enterprise": application.enterprise.name},
               url=application.get_absolute_url())


def _step(application, user, version, allowed, states):
    """Lock the application, then check the actor (before anything else) and its state."""
    locked = _lock(application, version)
    _require(allowed(user, locked))
    _require_state(locked, *states)
    return locked


# ---------------------------------------------------------------- the firm

def _matching(name):
    """The function matching answers with (settings.POLICY_MATCH_HOOKS): resources imports no matching."""
    return import_string(settings.POLICY_MATCH_HOOKS[name])


def _mark_match_applied(policy, user):
    """The firm's match to the policy (为您匹配) reads 已申报 from now on, as if it had marked it so."""
    _matching("applied")(policy, user)


@transaction.atomic
def apply(policy, user, *, amount=None, inputs=None, statement="", files=()):
    """The enterprise applies for a published policy with its declared inputs and documents → submitted."""
    if user.role != Role.ENTERPRISE or not user.organization_id:
        raise PermissionDenied(_("Only an enterprise applies for a policy."))
    policy = Policy.objects.select_for_update(of=("self",)).get(pk=policy.pk)
    if policy.status != ItemStatus.PUBLISHED:
        raise ValidationError(_("The policy is not published."))
    if policy.granted_without_application:
        raise ValidationError(_("This policy is granted without application (免申即享): there is nothing to apply for."))
    if policy.apply_until and policy.apply_until < _today():
        raise ValidationError(_("The application window closed on %(day)s.") % {"day": policy.apply_until})
    if PolicyApplication.objects.filter(policy=policy, enterprise_id=user.organization_id).exclude(
            state=S.REFUSED).exists():
        raise ValidationError(_("Your enterprise already has an application for this policy."))
    if inputs is not None and not isinstance(inputs, dict):
        raise ValidationError({"inputs": _("Declared inputs are a set of named values.")})
    amount = _amount(amount, "amount_applied")
    check_attachments(files)
    application = PolicyApplication.objects.create(
        enterprise_id=user.organization_id, policy=policy, amount_applied=amount, inputs=inputs or {},
        statement=statement.strip(), submitted_at=timezone.now(),
        review_due=add_working_days(_today(), REVIEW_DAYS, current_calendar()))
    _record(application, ApplicationStep.APPLY, user, note=application.statement, files=files)
    _mark_match_applied(policy, user)
    _tell(_department_users(policy), application, ApplicationStep.APPLY,
          gettext_lazy("New application: %(enterprise)s, %(policy)s"))
    return application


@transaction.atomic
def answer(application, user, *, version=None, note="", amount=None, inputs=None, files=()):
    """The enterprise answers a return with what was asked for → under review, on a new review deadline."""
    a = _step(application, user, version, is_firm, (S.RETURNED,))
    note = _required_text(note, "note", _("Say what you have added."))
    check_attachments(files)
    if amount not in (None, ""):
        a.amount_applied = _amount(amount, "amount_applied")
    if inputs is not None:
        if not isinstance(inputs, dict):
            raise ValidationError({"inputs": _("Declared inputs are a set of named values.")})
        a.inputs = inputs
    a.review_due = add_working_days(_today(), REVIEW_DAYS, current_calendar())
    _move(a, S.UNDER_REVIEW, ApplicationStep.ANSWER, user, note=note, files=files)
    _tell(_department_users(a.policy), a, ApplicationStep.ANSWER,
          gettext_lazy("Answered: %(enterprise)s, %(policy)s"))
    return a


@transaction.atomic
def confirm_receipt(application, user, *, version=None, note=""):
    """The enterprise confirms the money arrived → received."""
    a = _step(application, user, version, is_firm, (S.PAID,))
    _move(a, S.RECEIVED, ApplicationStep.RECEIVE, user, note=note.strip())
    return a


# ---------------------------------------------------------------- the department

def _reviewer(user, a):
    return is_department(user, a.policy)


@transaction.atomic
def start_review(application, user, *, version=None, note=""):
    a = _step(application, user, version, _reviewer, (S.SUBMITTED,))
    _move(a, S.UNDER_REVIEW, ApplicationStep.START_REVIEW, user, note=note.strip())
    return a


@transaction.atomic
def return_for_more(application, user, *, version=None, note=""):
    """Send the application back to the firm, saying what is missing → returned."""
    a = _step(application, user, version, _reviewer, REVIEW_STATES)
    note = _required_text(note, "note", _("Say what the enterprise should add."))
    _move(a, S.RETURNED, ApplicationStep.RETURN, user, note=note)
    _tell(_firm_users(a), a, ApplicationStep.RETURN, gettext_lazy("Returned for more: %(policy)s"))
    return a


@transaction.atomic
def approve(application, user, *, version=None, amount=None, note=""):
    """Pass the review with the amount approved (fen; the amount applied for when not given) → approved."""
    a = _step(application, user, version, _reviewer, REVIEW_STATES)
    amount = _amount(amount, "amount_approved")
    if amount is None:
        amount = a.amount_applied
    if amount is None:
        raise ValidationError({"amount_approved": _("Enter the amount approved.")})
    a.amount_approved = amount
    a.payment_due = add_working_days(_today(), PAYMENT_DAYS, current_calendar())
    _move(a, S.APPROVED, ApplicationStep.APPROVE, user, note=note.strip(), data={"amount": amount})
    _tell(_firm_users(a), a, ApplicationStep.APPROVE, gettext_lazy("Approved: %(policy)s"))
    return a


@transaction.atomic
def refuse(application, user, *, version=None, reason=""):
    """Refuse the application with the reason the firm will read → refused (it may apply again)."""
    a = _step(application, user, version, _reviewer, REVIEW_STATES)
    a.refusal_reason = _required_text(reason, "reason", _("Give the reason for the refusal."))
    _move(a, S.REFUSED, ApplicationStep.REFUSE, user, note=a.refusal_reason)
    _tell(_firm_users(a), a, ApplicationStep.REFUSE, gettext_lazy("Refused: %(policy)s"))
    return a


@transaction.atomic
def publicise(application, user, *, version=None, note=""):
    """Put an approved application on the public 公示 list, open for objections for OBJECTION_DAYS working days."""
    a = _step(application, user, version, lambda u, a: may_publicise(u, a.policy), (S.APPROVED,))
    a.objection_until = add_working_days(_today(), OBJECTION_DAYS, current_calendar())
    _move(a, S.PUBLICISED, ApplicationStep.PUBLICISE, user, note=note.strip(),
          data={"objection_until": a.objection_until.isoformat()})
    _tell(_firm_users(a), a, ApplicationStep.PUBLICISE, gettext_lazy("On the public notice list: %(policy)s"))
    return a


@transaction.atomic
def record_objection(application, user, *, version=None, note=""):
    """An objection to a publicised application came in during its window: it goes back to review (a new
    deadline), and can be paid only after it is approved and publicised again."""
    a = _step(application, user, version, lambda u, a: may_publicise(u, a.policy), (S.PUBLICISED,))
    note = _required_text(note, "note", _("Say what the objection is."))
    if a.objection_until and _today() > a.objection_until:
        raise ValidationError(_("The objection window ended on %(day)s.") % {"day": a.objection_until})
    a.objection_until = None
    a.review_due = add_working_days(_today(), REVIEW_DAYS, current_calendar())
    _move(a, S.UNDER_REVIEW, ApplicationStep.OBJECTION, user, note=note)
    _tell(_firm_users(a), a, ApplicationStep.OBJECTION, gettext_lazy("Objection to %(policy)s: back to review"))
    return a


def publicise_list(policy, user):
    """Publicise every approved application of the policy (the 公示 list); returns them."""
    _require(may_publicise(user, policy))
    approved = PolicyApplication.objects.filter(policy=policy, state=S.APPROVED).order_by("pk")
    return [publicise(a, user) for a in approved]


@transaction.atomic
def pay(application, user, *, version=None, amount=None, paid_on=None, voucher=None, note=""):
    """Record the payment after the objection window closed: amount (fen), date and voucher → paid."""
    a = _step(application, user, version, _reviewer, (S.PUBLICISED,))
    today = _today()
    if a.objection_until and today <= a.objection_until:
        raise ValidationError(_("The public notice is open for objections until %(day)s.")
                              % {"day": a.objection_until})
    amount = _amount(amount, "amount")
    if amount is None:
        amount = a.amount_approved
    paid_on = paid_on or today
    if paid_on > today:
        raise ValidationError({"paid_on": _("The payment date cannot be in the future.")})
    if voucher is None:
        raise ValidationError({"voucher": _("Attach the payment voucher.")})
    check_attachments([voucher])
    a.amount_paid, a.paid_on = amount, paid_on
    a.working_days_to_payment = working_days_between(timezone.localtime(a.submitted_at).date(), paid_on,
                                                     current_calendar())
    _move(a, S.PAID, ApplicationStep.PAY, user, note=note.strip(), files=[voucher], kind=DocumentKind.VOUCHER,
          data={"amount": amount, "paid_on": paid_on.isoformat()})
    _tell(_firm_users(a), a, ApplicationStep.PAY, gettext_lazy("Paid: %(policy)s — please confirm receipt"))
    return a


@transaction.atomic
def grant_without_application(policy, user):
    """免申即享: put each enterprise that qualifies for the policy (its current matches) under review without an
    application; an enterprise that already has an open application is left alone. Returns those created."""
    _require(is_department(user, policy))
    policy = Policy.objects.select_for_update(of=("self",)).get(pk=policy.pk)
    if not policy.granted_without_application:
        raise ValidationError(_("This policy is not granted without application."))
    if policy.status != ItemStatus.PUBLISHED:
        raise ValidationError(_("The policy is not published."))
    taken = PolicyApplication.objects.filter(policy=policy).exclude(state=S.REFUSED).values("enterprise_id")
    firms = _matching("qualifying")(policy) - set(taken.values_list("enterprise_id", flat=True))
    due = add_working_days(_today(), REVIEW_DAYS, current_calendar())
    created = []
    for firm in sorted(firms):
        a = PolicyApplication.objects.create(enterprise_id=firm, policy=policy, state=S.UNDER_REVIEW,
                                             without_application=True, submitted_at=timezone.now(), review_due=due)
        with translation.override(settings.LANGUAGE_CODE):
            note = _("Qualifies: granted without application.")
        _record(a, ApplicationStep.GRANT, user, note=note)
        created.append(a)
    return created


# ---------------------------------------------------------------- reminders

def send_window_reminders(today=None, days=REMIND_DAYS):
    """Remind the users of each enterprise matched to a policy whose application window closes within `days`
    working days and that has not applied yet — once per policy and enterprise (the notification key). Returns
    how many enterprises were reminded."""
    today = today or _today()
    calendar = current_calendar()
    last = add_working_days(today, days, calendar)
    policies = Policy.objects.filter(status=ItemStatus.PUBLISHED, granted_without_application=False,
                                     apply_until__gte=today, apply_until__lte=last)
    count = 0
    for policy in policies:
        applied = set(PolicyApplication.objects.filter(policy=policy).values_list("enterprise_id", flat=True))
        firms = _matching("qualifying")(policy) - applied
        for firm in sorted(firms):
            key = f"policy-window:{policy.pk}:{firm}"
            users = list(User.objects.filter(role=Role.ENTERPRISE, organization_id=firm, is_active=True)
                         .exclude(notifications__key=key))
            if not users:
                continue
            with translation.override(settings.LANGUAGE_CODE):
                notify(users, key, _("Applications for %(policy)s close on %(day)s") % {
                    "policy": policy.title, "day": policy.apply_until.isoformat()}, url=policy.get_absolute_url())
            count += 1
    return count


def _office_users(application):
    """The chain offices of the chains the enterprise is placed on: those who hear of an overdue demand on no
    chain (demands.services.notifications), and so of an overdue payment."""
    return User.objects.filter(role=Role.OFFICE, is_active=True,
                               chains__placements__organization_id=application.enterprise_id).distinct()


def escalate_unpaid(today=None):
    """Escalate to the chain office every approved application not paid by its payment deadline (working days
    from approval) that is not escalated yet — as the sweep escalates an overdue demand: the same first level
    (EscalationLevel.OFFICE), an event, and a notice to the chain offices and the issuing department. Returns
    how many were escalated; run again, it escalates none twice."""
    today = today or _today()
    overdue = PolicyApplication.objects.filter(state__in=UNPAID_STATES, payment_due__lt=today,
                                               escalation_level=EscalationLevel.NONE).order_by("pk")
    count = 0
    for pk in overdue.values_list("pk", flat=True):
        with transaction.atomic():
            a = PolicyApplication.objects.select_for_update(of=("self",)).select_related("policy", "enterprise").get(
                pk=pk)
            if a.state not in UNPAID_STATES or a.escalation_level != EscalationLevel.NONE:
                continue  # paid or escalated meanwhile
            a.escalation_level = EscalationLevel.OFFICE
            a.version += 1
            a.save(update_fields=["escalation_level", "version", "updated"])
            with translation.override(settings.LANGUAGE_CODE):
                note = _("Overdue: not paid by its deadline, %(day)s.") % {"day": a.payment_due.isoformat()}
            _record(a, ApplicationStep.ESCALATE, None, was=a.state, note=note,
                    data={"level": EscalationLevel.OFFICE, "payment_due": a.payment_due.isoformat()})
            _tell({*_office_users(a), *_department_users(a.policy)}, a, ApplicationStep.ESCALATE,
                  gettext_lazy("Payment overdue, escalated to the chain office: %(policy)s — %(enterprise)s"))
            count += 1
    return count


# ---------------------------------------------------------------- figures

def figures(applications):
    """Per policy and issuing department: applications, approved, amount paid (fen) and the median working days
    from application to payment, over the given applications (already scoped to the reader)."""
    from statistics import median

    rows = {}
    paid_states = (S.PAID, S.RECEIVED)
    approved_states = (S.APPROVED, S.PUBLICISED, *paid_states)
    for a in applications.select_related("policy__issuer").order_by("policy_id"):
        row = rows.setdefault(a.policy_id, {"policy": a.policy, "department": a.policy.issuer, "applications": 0,
                                            "approved": 0, "paid": 0, "days": []})
        row["applications"] += 1
        row["approved"] += a.state in approved_states
        if a.state in paid_states:
            row["paid"] += a.amount_paid or 0
            if a.working_days_to_payment is not None:
                row["days"].append(a.working_days_to_payment)
    for row in rows.values():
        days = row.pop("days")
        row["median_days"] = median(days) if days else None
    return list(rows.values())


# step → its service, as pages and the API name the steps
STEP_SERVICES = {
    "start_review": start_review, "return": return_for_more, "answer": answer, "approve": approve,
    "refuse": refuse, "publicise": publicise, "objection": record_objection, "pay": pay, "receive": confirm_receipt,
}
