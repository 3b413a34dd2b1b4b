# The registry's stamp, moved from reports (reports 0009 renamed its table to registry_registrystamp, rows kept):
# only the state changes here.

import chainserve.registry.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0011_delete_district'),
        ('reports', '0009_registry_stamp_moves_to_registry'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='RegistryStamp',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('token', models.CharField(default=chainserve.registry.models.new_token, max_length=32, verbose_name='token')),
                    ],
                    options={
                        'verbose_name': 'registry stamp',
                        'verbose_name_plural': 'registry stamps',
                    },
                ),
            ],
        ),
    ]
