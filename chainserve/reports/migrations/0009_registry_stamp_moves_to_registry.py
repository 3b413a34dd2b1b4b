# The registry's stamp moves to the registry app (matching read it here, an app on top): the table is renamed, its
# rows kept; registry 0012 takes the model into its state.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0008_bulletin_district_is_a_region'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name='RegistryStamp', table='registry_registrystamp'),
            ],
            state_operations=[
                migrations.DeleteModel(name='RegistryStamp'),
            ],
        ),
    ]
