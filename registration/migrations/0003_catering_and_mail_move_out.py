"""CateringOrder and FreeTicketClaim move to catering, OutgoingMail to outbox (see there)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('registration', '0002_catering'),
    ]

    operations = [
        # State only: the tables stay where they are, with every row (db_table keeps their names).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='freeticketclaim',
                    name='offer',
                ),
                migrations.RemoveField(
                    model_name='freeticketclaim',
                    name='registration',
                ),
                migrations.RemoveField(
                    model_name='outgoingmail',
                    name='registration',
                ),
                migrations.DeleteModel(
                    name='CateringOrder',
                ),
                migrations.DeleteModel(
                    name='FreeTicketClaim',
                ),
                migrations.DeleteModel(
                    name='OutgoingMail',
                ),
            ],
        ),
    ]
