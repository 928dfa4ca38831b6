"""OutgoingMail moves here from registration: its table, rows and content type stay, and the mail
tasks already queued are pointed at the task's new path."""

import django.db.models.deletion
from django.db import migrations, models


OLD_TASK, NEW_TASK = "registration.mail.send_outgoing_mail", "outbox.tasks.send_outgoing_mail"


def move_content_type(apps, schema_editor):
    """Keep OutgoingMail's content type (permissions given to groups, the admin's log)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="outbox", model="outgoingmail").exists():
        ContentType.objects.filter(app_label="registration", model="outgoingmail").update(app_label="outbox")


def content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="outbox", model="outgoingmail").update(app_label="registration")


def rename_queued_tasks(old, new):
    """Mails queued before the move name the task by its old path: the worker must still find it."""

    def rename(apps, schema_editor):
        DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
        DBTaskResult.objects.filter(task_path=old).update(task_path=new)

    return rename


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('django_tasks_database', '0021_conditional_partial_index_ordering'),
        ('registration', '0003_catering_and_mail_move_out'),
    ]

    operations = [
        # State only: the tables stay where they are, with every row (db_table keeps their names).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='OutgoingMail',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('confirmation', 'Registration confirmation'), ('promotion', 'Seat from the waiting list'), ('changed', 'Registration changed'), ('cancelled', 'Registration cancelled'), ('manage_link', 'Management link'), ('claim_approved', 'Free ticket confirmed'), ('claim_rejected', 'Free ticket not granted'), ('claim_promoted', 'Free ticket from the waiting list'), ('payment_reminder', 'Catering payment reminder'), ('payment_received', 'Catering payment received'), ('catering_released', 'Unpaid catering released')], max_length=30, verbose_name='kind')),
                        ('to', models.EmailField(max_length=254, verbose_name='recipient')),
                        ('context', models.JSONField(blank=True, default=dict, verbose_name='details')),
                        ('state', models.CharField(choices=[('queued', 'Queued'), ('sending', 'Sending'), ('awaiting_retry', 'Awaiting retry'), ('sent', 'Sent'), ('failed', 'Failed'), ('aborted', 'Aborted')], default='queued', max_length=20, verbose_name='state')),
                        ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                        ('last_error', models.TextField(blank=True, verbose_name='last error')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='queued')),
                        ('next_attempt_at', models.DateTimeField(blank=True, null=True, verbose_name='next attempt')),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent')),
                        ('registration', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='mails', to='registration.registration')),
                    ],
                    options={
                        'verbose_name': 'outgoing e-mail',
                        'verbose_name_plural': 'outgoing e-mails',
                        'db_table': 'registration_outgoingmail',
                        'ordering': ['-created_at'],
                        'indexes': [models.Index(fields=['state'], name='registratio_state_c6f604_idx')],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_type, content_type_back),
        migrations.RunPython(rename_queued_tasks(OLD_TASK, NEW_TASK), rename_queued_tasks(NEW_TASK, OLD_TASK)),
    ]
