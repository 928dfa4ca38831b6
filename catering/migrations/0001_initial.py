"""The catering's models move here from program (CateringOffer) and registration (CateringOrder,
FreeTicketClaim): their tables, rows and content types stay."""

import django.core.validators
import django.db.models.constraints
import django.db.models.deletion
import django.db.models.expressions
import program.validators
from django.db import migrations, models


def move_content_types(app_label, models):
    """Keep the moved models' content types, so that permissions given to groups and the admin's
    log stay attached to them."""

    def forwards(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        for model in models:
            if not ContentType.objects.filter(app_label=app_label, model=model).exists():
                ContentType.objects.filter(model=model, app_label__in=["program", "registration"]).update(
                    app_label=app_label
                )

    def backwards(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        old = {"cateringoffer": "program"}
        for model in models:
            ContentType.objects.filter(app_label=app_label, model=model).update(
                app_label=old.get(model, "registration")
            )

    return forwards, backwards


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('program', '0004_catering_offer_moves_to_catering'),
        ('registration', '0003_catering_and_mail_move_out'),
    ]

    operations = [
        # State only: the tables stay where they are, with every row (db_table keeps their names).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='CateringOffer',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('price', models.DecimalField(decimal_places=2, max_digits=8, validators=[django.core.validators.MinValueValidator(0)], verbose_name='price (PLN, gross)')),
                        ('capacity', models.PositiveIntegerField(help_text='Paid meals and free tickets together.', verbose_name='meals the caterer can serve')),
                        ('free_ticket_quota', models.PositiveIntegerField(default=0, help_text='Reserved out of the meals above; each free ticket includes the catering.', verbose_name='free tickets for Małopolska')),
                        ('account_holder', models.CharField(max_length=200, verbose_name='account holder')),
                        ('account_number', models.CharField(help_text='The demo data holds an example number, PL50 1090 1014 0000 0000 1234 5678: replace it with the real account before anybody orders.', max_length=34, validators=[program.validators.validate_polish_iban], verbose_name='account number (IBAN)')),
                        ('recipient_nip', models.CharField(blank=True, help_text='Optional; goes into the QR code.', max_length=10, validators=[program.validators.validate_nip], verbose_name="account holder's NIP")),
                        ('payment_days', models.PositiveSmallIntegerField(default=7, help_text='After ordering; never later than the day before the conference starts.', verbose_name='days to pay')),
                        ('reminder_days', models.PositiveSmallIntegerField(default=2, verbose_name='remind this many days before the deadline')),
                        ('assumptions', models.TextField(blank=True, verbose_name='to be confirmed')),
                        ('paid_taken', models.PositiveIntegerField(default=0, editable=False, verbose_name='paid meals taken')),
                        ('free_taken', models.PositiveIntegerField(default=0, editable=False, verbose_name='free tickets taken')),
                        ('free_waitlist_length', models.PositiveIntegerField(default=0, editable=False, verbose_name='waiting for a free ticket')),
                        ('day', models.ForeignKey(help_text='Only people who attend this day can order catering.', on_delete=django.db.models.deletion.PROTECT, related_name='+', to='program.conferenceday', verbose_name='catering day')),
                        ('edition', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='catering', to='program.edition')),
                    ],
                    options={
                        'verbose_name': 'catering',
                        'verbose_name_plural': 'catering',
                        'db_table': 'program_cateringoffer',
                    },
                ),
                migrations.CreateModel(
                    name='CateringOrder',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('awaiting_payment', 'Awaiting payment'), ('paid', 'Paid'), ('free', 'Free (Małopolska ticket)'), ('waiting', 'Waiting for a free ticket'), ('cancelled', 'Cancelled')], max_length=20, verbose_name='status')),
                        ('diet', models.CharField(choices=[('standard', 'Standard'), ('vegetarian', 'Vegetarian'), ('vegan', 'Vegan'), ('gluten_free', 'Gluten-free'), ('lactose_free', 'Lactose-free'), ('other', 'Other (describe)')], default='standard', max_length=20, verbose_name='diet')),
                        ('diet_note', models.CharField(blank=True, max_length=300, verbose_name='diet details')),
                        ('amount', models.DecimalField(decimal_places=2, default=0, max_digits=8, verbose_name='amount (PLN)')),
                        ('payment_due', models.DateField(blank=True, null=True, verbose_name='pay by')),
                        ('paid_on', models.DateField(blank=True, null=True, verbose_name='paid on')),
                        ('reminder_sent_at', models.DateTimeField(blank=True, null=True, verbose_name='reminder sent')),
                        ('invoice_name', models.CharField(blank=True, max_length=300, verbose_name="buyer's name")),
                        ('invoice_nip', models.CharField(blank=True, max_length=10, validators=[program.validators.validate_nip], verbose_name="buyer's NIP")),
                        ('invoice_address', models.CharField(blank=True, max_length=500, verbose_name="buyer's address")),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='ordered')),
                        ('cancelled_at', models.DateTimeField(blank=True, null=True, verbose_name='cancelled')),
                        ('offer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='orders', to='catering.cateringoffer')),
                        ('registration', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='catering_orders', to='registration.registration')),
                    ],
                    options={
                        'verbose_name': 'catering order',
                        'verbose_name_plural': 'catering orders',
                        'db_table': 'registration_cateringorder',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='FreeTicketClaim',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('basis', models.CharField(choices=[('resident', 'I live in Małopolska'), ('organisation', 'My organisation or institution operates in Małopolska')], max_length=20, verbose_name='basis')),
                        ('organisation', models.CharField(blank=True, max_length=300, verbose_name='organisation or institution')),
                        ('town', models.CharField(max_length=100, verbose_name='town')),
                        ('fallback_paid', models.BooleanField(default=False, help_text='Paid catering while on the waiting list, and instead of the ticket if the claim is rejected.', verbose_name='pays for the catering if no free ticket')),
                        ('status', models.CharField(choices=[('pending', 'Awaiting verification'), ('approved', 'Approved'), ('waitlisted', 'On the waiting list'), ('rejected', 'Rejected'), ('cancelled', 'Cancelled')], max_length=20, verbose_name='status')),
                        ('waitlist_position', models.PositiveIntegerField(blank=True, null=True, verbose_name='waiting list position')),
                        ('rejection_reason', models.CharField(blank=True, max_length=500, verbose_name='reason for rejection')),
                        ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='claimed')),
                        ('offer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='claims', to='catering.cateringoffer')),
                        ('registration', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='ticket_claims', to='registration.registration')),
                    ],
                    options={
                        'verbose_name': 'free ticket claim',
                        'verbose_name_plural': 'free ticket claims',
                        'db_table': 'registration_freeticketclaim',
                        'ordering': ['created_at', 'id'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='cateringoffer',
                    constraint=models.CheckConstraint(condition=models.Q(('free_ticket_quota__lte', models.F('capacity'))), name='catering_quota_within_capacity'),
                ),
                migrations.AddConstraint(
                    model_name='cateringoffer',
                    constraint=models.CheckConstraint(condition=models.Q(('paid_taken__lte', django.db.models.expressions.CombinedExpression(models.F('capacity'), '-', models.F('free_ticket_quota')))), name='catering_paid_never_overbooked'),
                ),
                migrations.AddConstraint(
                    model_name='cateringoffer',
                    constraint=models.CheckConstraint(condition=models.Q(('free_taken__lte', models.F('free_ticket_quota'))), name='catering_free_never_over_quota'),
                ),
                migrations.AddIndex(
                    model_name='cateringorder',
                    index=models.Index(fields=['offer', 'status'], name='registratio_offer_i_cd09c4_idx'),
                ),
                migrations.AddConstraint(
                    model_name='cateringorder',
                    constraint=models.UniqueConstraint(condition=models.Q(('status', 'cancelled'), _negated=True), fields=('registration',), name='one_live_catering_order_per_registration'),
                ),
                migrations.AddConstraint(
                    model_name='cateringorder',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('status__in', ['awaiting_payment', 'paid']), _negated=True), models.Q(('amount__gt', 0), ('payment_due__isnull', False)), _connector='OR'), name='paid_catering_has_amount_and_deadline'),
                ),
                migrations.AddConstraint(
                    model_name='cateringorder',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'paid'), _negated=True), ('paid_on__isnull', False), _connector='OR'), name='paid_catering_has_date'),
                ),
                migrations.AddIndex(
                    model_name='freeticketclaim',
                    index=models.Index(fields=['offer', 'status'], name='registratio_offer_i_ba1340_idx'),
                ),
                migrations.AddConstraint(
                    model_name='freeticketclaim',
                    constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['pending', 'approved', 'waitlisted'])), fields=('registration',), name='one_live_claim_per_registration'),
                ),
                migrations.AddConstraint(
                    model_name='freeticketclaim',
                    constraint=models.UniqueConstraint(deferrable=django.db.models.constraints.Deferrable['DEFERRED'], fields=('offer', 'waitlist_position'), name='unique_claim_waitlist_position'),
                ),
                migrations.AddConstraint(
                    model_name='freeticketclaim',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'waitlisted'), ('waitlist_position__gte', 1)), models.Q(models.Q(('status', 'waitlisted'), _negated=True), ('waitlist_position__isnull', True)), _connector='OR'), name='claim_waitlisted_iff_position'),
                ),
            ],
        ),
        migrations.RunPython(*move_content_types("catering", ["cateringoffer", "cateringorder", "freeticketclaim"])),
    ]
