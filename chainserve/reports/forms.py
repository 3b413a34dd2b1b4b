"""Forms of the reports app: the period and scope of a bulletin or dashboard, the industry scale."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chainserve.chains.models import Chain
from chainserve.core.forms import bootstrap
from chainserve.core.models import Region, oversees
from chainserve.core.money import FEN_PER_YI

from .cases import KIND_LABELS, MAX_CASES, TEXT_MAX, TITLE_MAX
from .document import Composition
from .figures import Period, Scope
from .models import IndustryScale

FIRST_YEAR, LAST_YEAR = 2000, 2100  # what the platform keeps; also bounds the dashboard's months
PERIOD_KINDS = [("year", _("Year")), ("quarter", _("Quarter")), ("month", _("Month")), ("range", _("Dates"))]


class ReportFilterForm(forms.Form):
    """Period (a year, quarter, month or any dates) and scope (chain, district) from the query string.
    A district alone is the district level: its enterprises' demands and the district chains' records."""

    kind = forms.ChoiceField(label=_("Period"), choices=PERIOD_KINDS, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False)
    quarter = forms.TypedChoiceField(label=_("Quarter"), coerce=int, required=False,
                                     choices=[("", "—")] + [(q, f"Q{q}") for q in range(1, 5)])
    month = forms.TypedChoiceField(label=_("Month"), coerce=int, required=False,
                                   choices=[("", "—")] + [(m, str(m)) for m in range(1, 13)])
    start = forms.DateField(label=_("From date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    chain = forms.ModelChoiceField(label=_("Chain"), queryset=Chain.objects.none(), required=False)
    district = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.all(), required=False)

    def __init__(self, data, user=None):
        self.user = user
        if data and data.get("region") and not data.get("district"):  # `region`: the same field, by its new name
            data = data.copy()
            data["district"] = data["region"]
        super().__init__(data)
        self.fields["chain"].queryset = Chain.objects.all() if user is None else Chain.objects.restrict(user)
        self.fields["district"].queryset = Region.objects.all() if user is None else Region.objects.restrict(user)
        bootstrap(self, filters=True)

    def clean(self):
        data = super().clean()
        kind = data.get("kind") or ("range" if data.get("start") or data.get("end") else "year")
        data["kind"] = kind
        year = data.get("year") or timezone.localdate().year
        if kind == "range":
            start, end = data.get("start"), data.get("end")
            if start is None:
                self.add_error("start", _("Give the first day of the period."))
            if end is None:
                self.add_error("end", _("Give the last day of the period."))
            if start and end and end < start:
                self.add_error("end", _("The end date cannot be before the start date."))
            for name, day in (("start", start), ("end", end)):
                if day and not FIRST_YEAR <= day.year <= LAST_YEAR:
                    self.add_error(name, _("Give a date from %(first)s to %(last)s.") % {
                        "first": FIRST_YEAR, "last": LAST_YEAR})
            if start and end and end >= start and not self.errors:
                data["period"] = Period(start, end)
        elif kind == "quarter":
            if not data.get("quarter"):
                self.add_error("quarter", _("Choose the quarter."))
            else:
                data["period"] = Period.quarter(year, data["quarter"])
        elif kind == "month":
            if not data.get("month"):
                self.add_error("month", _("Choose the month."))
            else:
                data["period"] = Period.month(year, data["month"])
        else:
            data["period"] = Period.year(year)
        return data

    def period(self):
        return self.cleaned_data["period"]

    def scope(self):
        d = self.cleaned_data
        return Scope(user=self.user, chain=d.get("chain"), district=d.get("district"))

    def query(self):
        """The query string of this period and scope, for links and exports."""
        period, scope = self.period(), self.scope()
        return {"start": period.start.isoformat(), "end": period.end.isoformat(), **scope.params()}


class ComposeForm(forms.Form):
    """What the office writes and picks before publishing: the title, the lead paragraph, up to three typical
    cases from `candidates` (each with its title and paragraph, prefilled from the record when left blank) and a
    note on the version."""

    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX, required=False)
    lead = forms.CharField(label=_("Lead paragraph"), max_length=TEXT_MAX, required=False,
                           widget=forms.Textarea(attrs={"rows": 7}),
                           help_text=_("Left blank: the paragraph generated from the figures."))
    note = forms.CharField(label=_("Note on this version"), max_length=500, required=False,
                           help_text=_("For the readers of the published versions, e.g. what a new version "
                                       "corrects."))

    def __init__(self, data=None, *, candidates=(), **kwargs):
        super().__init__(data, **kwargs)
        groups = {}
        for c in candidates:
            groups.setdefault(c.kind, []).append((c.ref, c.label))
        choices = [("", _("— none —"))] + [(str(KIND_LABELS[kind]), refs) for kind, refs in groups.items()]
        for n in range(1, MAX_CASES + 1):
            self.fields[f"case_{n}"] = forms.ChoiceField(label=_("Typical case %(n)s") % {"n": n}, choices=choices,
                                                         required=False)
            self.fields[f"case_{n}_title"] = forms.CharField(label=_("Its title"), max_length=TITLE_MAX,
                                                             required=False)
            self.fields[f"case_{n}_text"] = forms.CharField(
                label=_("Its paragraph"), max_length=TEXT_MAX, required=False,
                widget=forms.Textarea(attrs={"rows": 5}),
                help_text=_("Left blank: the paragraph told from the record; edit it before publishing."))
        bootstrap(self)

    def slots(self):
        """[(n, choice field, title field, text field)] for the template."""
        return [(n, self[f"case_{n}"], self[f"case_{n}_title"], self[f"case_{n}_text"])
                for n in range(1, MAX_CASES + 1)]

    def clean(self):
        data = super().clean()
        seen = {}
        for n in range(1, MAX_CASES + 1):
            ref = data.get(f"case_{n}")
            if not ref and (data.get(f"case_{n}_text") or data.get(f"case_{n}_title")):
                self.add_error(f"case_{n}", _("Choose the record this case tells."))
            elif ref and ref in seen:
                self.add_error(f"case_{n}", _("This record is already case %(other)s.") % {"other": seen[ref]})
            elif ref:
                seen[ref] = n
        return data

    def composition(self):
        d = self.cleaned_data
        return Composition(d.get("title", ""), d.get("lead", ""), [
            (d[f"case_{n}"], d.get(f"case_{n}_title", ""), d.get(f"case_{n}_text", ""))
            for n in range(1, MAX_CASES + 1) if d.get(f"case_{n}")])


def default_query(user=None, region=False):
    """This year; with a user who staffs chains (a chain office), the first of their chains as well, so that
    their dashboard opens on their own chain; with region, the user's own region (the dashboard's node) — and
    for an office overseeing the regions below its own, all of its region's chains, so that its table of the
    regions below (下级地区) shows their figures, not only those of its own chain there (core.oversees)."""
    query = {"year": timezone.localdate().year}
    if region and user is not None and user.region_id:
        query["district"] = user.region_id
        if oversees(user):
            return query
    chain = Chain.objects.filter(staff=user).order_by("level", "pk").first() if user is not None else None
    if chain is not None:
        query["chain"] = chain.pk
    return query


class IndustryScaleForm(forms.ModelForm):
    """The scale typed in 亿元 (kept in fen)."""

    # 1 亿元 is 10¹⁰ fen: ten decimal places are exact to the fen.
    amount_yi = forms.DecimalField(label=_("Amount (CNY 100 million)"), min_value=Decimal(0), max_digits=22,
                                   decimal_places=10)

    class Meta:
        model = IndustryScale
        fields = ["chain", "year", "amount_yi", "source", "note"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chain"].queryset = Chain.objects.restrict(user, "change")
        self.fields["year"].initial = self.fields["year"].initial or timezone.localdate().year
        if self.instance.pk:
            self.fields["amount_yi"].initial = Decimal(self.instance.amount_fen) / FEN_PER_YI
        bootstrap(self)

    def clean(self):
        data = super().clean()
        if data.get("amount_yi") is not None:
            self.instance.amount_fen = int(data["amount_yi"] * FEN_PER_YI)
        return data
