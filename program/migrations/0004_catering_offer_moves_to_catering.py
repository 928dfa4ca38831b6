"""CateringOffer moves to catering (see there)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('program', '0003_accessibility_statement_and_retention'),
        ('registration', '0003_catering_and_mail_move_out'),
    ]

    operations = [
        # State only: the tables stay where they are, with every row (db_table keeps their names).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='CateringOffer',
                ),
            ],
        ),
    ]
