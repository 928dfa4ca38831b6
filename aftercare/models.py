"""The feedback survey after an edition: who was invited and who answered (`FeedbackRequest`), and
the answers themselves (`FeedbackAnswer`, `FeedbackRating`), which point at nobody.

The two halves are kept apart on purpose. A request names the person (one answer per person, an
invitation never sent twice); an answer names only the edition, has no time of its own and a
random id, so neither its order nor its time tells whose it is. Reports read only the answers:
anonymous by construction, and still anonymous, unchanged, after the person's data is erased.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

COMMENT_MAX_LENGTH = 2000
RATINGS = range(1, 6)


class FeedbackRequest(models.Model):
    """A person's part in the survey: when they were invited, and when they answered (not what)."""

    # By name, as the other upper apps do: the rows above are not this app's to import as models.
    registration = models.OneToOneField(
        "registration.Registration",
        on_delete=models.CASCADE,
        related_name="feedback_request",
        verbose_name=_("registration"),
    )
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("feedback request")
        verbose_name_plural = _("feedback requests")

    def __str__(self) -> str:
        return str(self.registration)


class FeedbackAnswer(models.Model):
    """One person's answer, without the person: the edition, the ratings and the free text."""

    # Random, not a sequence: answers listed by id come in no order that matches the requests'.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    edition = models.ForeignKey(
        "program.Edition", on_delete=models.CASCADE, related_name="+", verbose_name=_("edition")
    )
    comment = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH, blank=True)

    class Meta:
        verbose_name = _("feedback answer")
        verbose_name_plural = _("feedback answers")
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.pk)


class FeedbackRating(models.Model):
    """A rating from 1 to 5 of a day or of a program item."""

    answer = models.ForeignKey(FeedbackAnswer, on_delete=models.CASCADE, related_name="ratings")
    day = models.ForeignKey(
        "program.ConferenceDay", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    item = models.ForeignKey(
        "program.ProgramItem", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(_("rating"))

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=RATINGS.start, rating__lt=RATINGS.stop), name="rating_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(day__isnull=False, item__isnull=True) | Q(day__isnull=True, item__isnull=False),
                name="rating_of_a_day_or_an_item",
            ),
            models.UniqueConstraint(fields=["answer", "day"], name="one_rating_per_answer_and_day"),
            models.UniqueConstraint(fields=["answer", "item"], name="one_rating_per_answer_and_item"),
        ]

    def __str__(self) -> str:
        return str(self.rating)
