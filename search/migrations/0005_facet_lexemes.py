"""The documents' vectors hold their facet keys as lexemes (search.models.FacetLexemes), so a
query with facet filters is one tsquery that one GIN scan answers.

PostgreSQL cannot change a generated column's expression in place: the two vectors are dropped
and added again (the table is rewritten once per column, every row recomputed), and their GIN
indexes made again. Elsewhere the vectors are NULL before and after: nothing to do.
"""

import django.contrib.postgres.search
from django.contrib.postgres.search import SearchVectorField
from django.db import migrations, models
from django.db.models.sql import Query

import search.models

INDEXES = {
    "search_vector": "CREATE INDEX search_doc_vector_gin ON search_searchdocument USING gin (search_vector)",
    "title_vector": "CREATE INDEX search_doc_title_vector_gin ON search_searchdocument USING gin (title_vector)",
}


def _regenerate(apps, schema_editor, expressions) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    document = apps.get_model("search", "SearchDocument")
    for name, expression in expressions.items():
        field = models.GeneratedField(expression=expression(), db_persist=True,
                                      output_field=SearchVectorField(null=True))
        field.set_attributes_from_name(name)
        field.model = document
        field._query = Query(model=document, alias_cols=False)  # as contribute_to_class sets it
        schema_editor.execute(f"ALTER TABLE search_searchdocument DROP COLUMN {name}")  # and its index
        schema_editor.add_field(document, field)
        schema_editor.execute(INDEXES[name])
    schema_editor.execute("ANALYZE search_searchdocument")


def forward(apps, schema_editor) -> None:
    _regenerate(apps, schema_editor, {"search_vector": search.models.FacetedDocumentVector,
                                      "title_vector": search.models.FacetedTitleVector})


def backward(apps, schema_editor) -> None:
    _regenerate(apps, schema_editor, {"search_vector": search.models.DocumentVector,
                                      "title_vector": search.models.TitleVector})


class Migration(migrations.Migration):

    dependencies = [
        ('search', '0004_facet_keys'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='searchdocument',
                name='search_vector',
                field=models.GeneratedField(db_persist=True, expression=search.models.FacetedDocumentVector(), output_field=django.contrib.postgres.search.SearchVectorField(null=True)),
            ),
            migrations.AlterField(
                model_name='searchdocument',
                name='title_vector',
                field=models.GeneratedField(db_persist=True, expression=search.models.FacetedTitleVector(), output_field=django.contrib.postgres.search.SearchVectorField(null=True)),
            ),
        ]),
        migrations.RunPython(forward, backward),
    ]
