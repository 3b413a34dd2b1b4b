"""How each demo demand goes after it is raised: its fate (resolved, not solved, reopened after an unsatisfied
rating, escalated to a joint meeting, overdue, rejected) and the instants of its steps — dispatched (some first
to the wrong department and sent back), answered, the enterprise asked, an extension, the overdue sweep, closed
after 1 to 25 working days (most 3 to 10), rated with a comment that fits the rating."""

import datetime

from chainserve.demands.choices import Rating

from . import texts

SHARES = {"unresolved": 0.05, "reopened": 0.025, "rejected": 0.015}
# The year before the demo year, when the platform was new: more closed unsolved, answers and closings slower,
# fewer rated and fewer satisfied, co-handlers seldom answering on the platform.
EARLIER = {"unresolved": 0.09, "late_answer": 0.07, "slower": (1, 3), "satisfied": 0.72, "content": 0.91,
           "rated": 0.6, "co": 0.1}
NOW = {"unresolved": SHARES["unresolved"], "late_answer": 0.02, "slower": (0, 0), "satisfied": 0.82, "content": 0.96,
       "rated": 0.85, "co": 0.3}
MEETING_CATEGORIES = {"site", "clinical", "public-service", "financing", "regulatory", "policy"}
RESOLVE_DAYS = {"normal": 10, "urgent": 5, "complex": 25}
# Working days from receipt to closing, by priority: (weight, fewest, most)
CLOSING_DAYS = {"normal": [(12, 1, 2), (52, 3, 6), (28, 7, 10), (5, 11, 15), (3, 16, 25)],
                "urgent": [(60, 1, 3), (35, 4, 5), (5, 6, 8)],
                "complex": [(40, 6, 10), (45, 11, 18), (15, 19, 25)]}


def short(department):
    return department.name.removeprefix("明湖市")


class Courses:
    def __init__(self, timeline, cluster, categories, rng):
        self.t, self.cluster, self.categories, self.rng = timeline, cluster, categories, rng

    def assign(self, plans, meetings):
        """Give every plan without steps its fate and steps: a few demands go to each joint meeting (one waits
        for the next), three are left overdue, the rest are closed."""
        rng, t = self.rng, self.t
        free = [p for p in plans if p.fate == "resolved" and p.firm.pk != self.cluster.demo_firm.pk]
        for plan in free:
            roll = rng.random()
            shares = {**SHARES, "unresolved": self.era(plan)["unresolved"]}
            for fate, share in shares.items():
                if roll < share:
                    plan.fate = fate
                    break
                roll -= share
        held = [m for m in meetings if m.held]
        for meeting in meetings:
            day = meeting.starts_at.date()
            if meeting.held:
                window = (day - datetime.timedelta(days=35), day - datetime.timedelta(days=20))
                count = rng.choice([0, 1, 1, 2])
            else:  # one demand waits on the agenda of the next meeting
                last = held[-1].starts_at.date()
                window = (last - datetime.timedelta(days=20), t.today - datetime.timedelta(days=15))
                count = 1
            candidates = [p for p in free if p.fate == "resolved" and window[0] <= p.at.date() <= window[1]
                          and p.category.slug in MEETING_CATEGORIES]
            for plan in rng.sample(candidates, min(count, len(candidates))):
                plan.fate, plan.meeting = "meeting", meeting
        for plan in plans:
            if plan.fate == "meeting" and getattr(plan, "meeting", None) is None:  # the demo firm's
                plan.meeting = next(m for m in held if m.starts_at.date() > plan.at.date() + datetime.timedelta(
                    days=30))
        stalled = [p for p in free if p.fate == "resolved"
                   and t.today - datetime.timedelta(days=50) <= p.at.date() <= t.today - datetime.timedelta(days=28)]
        for plan in rng.sample(stalled, min(3, len(stalled))):
            plan.fate = "stalled"
        for plan in plans:
            if plan.fate == "meeting":
                plan.meeting.demands.append(plan)
            if plan.fate == "rejected":
                slug, plan.title, plan.text, plan.reason = rng.choice(texts.REJECTS)
                plan.category = self.categories[slug]
            if not plan.steps:
                plan.steps = self.steps(plan)

    # ------------------------------------------------------------------ the steps

    def after(self, when, *days):
        """An instant in working hours one of `days` working days after when (drawn), later than when."""
        return self.t.after(when, self.rng, self.rng.choice(days) if days else 0)

    def steps(self, plan):
        rng, t = self.rng, self.t
        steps = [(plan.at, "submit", {})]
        if plan.fate == "rejected":
            return steps + [(self.after(plan.at, 0, 0, 1), "reject", {"reason": plan.reason})]
        when = self.dispatched(plan, steps)
        # the first answer: mostly within the two working days it is due in, some late
        era = self.era(plan)
        days, extension = min(25, self.closing_days(plan.priority) + rng.randint(*era["slower"])), 0
        late = rng.random() < era["late_answer"]
        day = t.add_days(plan.at.date(), rng.choice([3, 4]) if late else rng.choice([0, 1, 1, 2]))
        when = max(self.after(when), t.instant(day, rng))
        if days > 2 or plan.fate not in ("resolved", "unresolved"):  # else the closing is the first answer
            steps.append((when, "answer", {"by": plan.lead, "text": plan.template.answer.format(**plan.slots)}))
        answered = when
        if plan.co and rng.random() < era["co"]:
            when = self.after(when, 0, 1, 2)
            steps.append((when, "answer", {"by": plan.co[0], "text": "协办意见已提交牵头单位。"}))
        paused = 0
        if plan.firm.pk in self.cluster.accounts and plan.fate != "meeting" and rng.random() < 0.12:
            asked = self.after(when, 1, 2)
            replied = self.after(asked, 1, 2, 3, 4)
            paused = len(t.working_days(asked.date() + datetime.timedelta(days=1), replied.date()))
            steps += [(asked, "ask", {}), (replied, "reply", {})]
        if days > RESOLVE_DAYS[plan.priority] and plan.fate in ("resolved", "unresolved") and rng.random() < 0.5:
            extension = 5  # asked for before the deadline
            asked = self.after(max(s[0] for s in steps), 2, 3, 4)
            steps += [(asked, "extend", {"days": extension}), (self.after(asked, 0, 1), "decide_extension", {})]
        due = t.add_days(plan.at.date(), RESOLVE_DAYS[plan.priority] + paused + extension)
        if plan.fate == "meeting":
            return sorted(steps + self.to_meeting(plan, answered), key=lambda s: s[0])
        if plan.fate == "stalled":
            return steps + [(t.at_time(t.add_days(due, 1), 9, 5), "escalate", {"system": True})]
        days += paused
        closed = max(self.after(max(s[0] for s in steps), 1), t.instant(t.add_days(plan.at.date(), days), rng))
        if closed.date() > due:  # the overdue sweep escalated it to the office first
            swept = t.at_time(t.add_days(due, 1), 9, 5)
            steps.append((swept, "escalate", {"system": True}))
            closed = max(closed, self.after(swept))
        steps.sort(key=lambda s: s[0])
        return steps + self.closing(plan, closed)

    def dispatched(self, plan, steps):
        """Dispatch (first to the wrong department, which sends it back, for some); returns the last instant."""
        when = self.after(plan.at, 0, 0, 0, 1)
        if plan.wrong is not None:
            steps.append((when, "dispatch", {"lead": plan.wrong}))
            when = self.after(when, 0, 1)
            steps.append((when, "send_back", {"by": plan.wrong}))
            when = self.after(when, 0, 1)
        steps.append((when, "dispatch", {"lead": plan.lead}))
        return when

    def era(self, plan):
        return EARLIER if plan.at.date() < self.t.year_start else NOW

    def closing_days(self, priority):
        bands = CLOSING_DAYS[priority]
        _weight, low, high = self.rng.choices(bands, [b[0] for b in bands])[0]
        return self.rng.randint(low, high)

    def closing(self, plan, closed):
        """Closed at `closed`, rated (by a firm on the portal), and for the reopened: rated unsatisfied, reopened,
        answered again, closed again and rated again."""
        rng = self.rng
        solved = plan.fate not in ("unresolved", "reopened")
        steps = [(closed, "close", {"resolved": solved, "text": self.result(plan, solved)})]
        if plan.firm.pk not in self.cluster.accounts or (
                plan.fate != "reopened" and rng.random() > self.era(plan)["rated"]):
            return steps
        rating = Rating.UNSATISFIED if plan.fate == "reopened" else plan.rating or self.rating(plan, solved)
        if rating is None:
            return steps
        rated = self.after(closed, 0, 1, 2, 3)
        steps.append((rated, "rate", {"rating": rating, "comment": self.comment(plan, rating, solved)}))
        if plan.fate != "reopened":
            return steps
        reopened = self.after(rated, 0, 1, 2)
        answered = self.after(reopened, 0, 1)
        closed = self.after(answered, 2, 3, 4, 5, 6)
        steps += [(reopened, "reopen", {"reason": rng.choice(texts.REOPEN)}),
                  (answered, "answer", {"by": plan.lead, "text": texts.REANSWER}),
                  (closed, "close", {"resolved": True, "text": self.result(plan, True)})]
        rating = plan.rating or (Rating.SATISFIED if rng.random() < 0.6 else Rating.BASIC)
        return steps + [(self.after(closed, 0, 1, 2), "rate", {"rating": rating,
                                                              "comment": self.comment(plan, rating, True)})]

    def result(self, plan, solved):
        return (plan.template.resolved if solved else plan.template.unresolved).format(**plan.slots)

    def rating(self, plan, solved):
        roll, era = self.rng.random(), self.era(plan)
        if solved:
            return Rating.SATISFIED if roll < era["satisfied"] else Rating.BASIC if roll < era["content"] else \
                Rating.UNSATISFIED
        return Rating.BASIC if roll < 0.45 else Rating.UNSATISFIED if roll < 0.85 else None

    def comment(self, plan, rating, solved):
        if plan.comment and rating != Rating.UNSATISFIED:
            return plan.comment
        pool = {Rating.SATISFIED: texts.SATISFIED, Rating.BASIC: texts.BASIC}.get(
            rating, texts.UNSATISFIED if solved else texts.UNSATISFIED_UNSOLVED)
        return self.rng.choice(pool).format(dept=short(plan.lead))

    def to_meeting(self, plan, answered):
        """Escalated level by level to the joint meeting's agenda before it is built; resolved at the meeting
        (by its decision), then rated."""
        t, rng = self.t, self.rng
        day = plan.meeting.starts_at.date()
        top = t.subtract_days(day, rng.randint(4, 7))
        if not plan.meeting.held:  # on the agenda of the next meeting since a few days ago
            top = t.subtract_days(t.workday_before(t.today - datetime.timedelta(days=1)), rng.randint(1, 3))
        first = max(self.after(answered, 1), t.instant(t.subtract_days(top, 2), rng))
        second = self.after(first, 0, 1)
        third = max(self.after(second, 0, 1), t.instant(top, rng))
        steps = [(first, "escalate", {}), (second, "escalate", {}), (third, "escalate", {})]
        if plan.firm.pk in self.cluster.accounts:
            rating = plan.rating or (Rating.SATISFIED if rng.random() < 0.75 else Rating.BASIC)
            rated = self.after(plan.meeting.starts_at + datetime.timedelta(hours=3), 1, 2, 3)
            steps.append((rated, "rate", {"rating": rating, "comment": self.comment(plan, rating, True)}))
        return steps

    def live(self, plan, names):
        """The first steps of a demand of the last days, each soon after the one before and before now."""
        steps, when = [(plan.at, "submit", {})], plan.at
        for name in names:
            when = self.soon(when)
            if name == "wrong":
                steps.append((when, "dispatch", {"lead": plan.wrong}))
            elif name == "dispatch":
                steps.append((when, "dispatch", {"lead": plan.lead}))
            elif name == "send_back":
                steps.append((when, "send_back", {"by": plan.wrong}))
            elif name == "answer":
                steps.append((when, "answer", {"by": plan.lead, "text": plan.template.answer.format(**plan.slots)}))
            elif name == "ask":
                steps.append((when, "ask", {}))
            elif name == "extend":
                steps.append((when, "extend", {"days": 10}))
            elif name == "close":
                steps.append((when, "close", {"resolved": True, "text": self.result(plan, True)}))
        return steps

    def soon(self, when):
        """The next working day's working hours after when, else later the same day, but never after now."""
        now = self.t.now
        for days in (1, 0):
            candidate = self.t.after(when, self.rng, days)
            if candidate < now:
                return candidate
        return when + (now - when) / 2
