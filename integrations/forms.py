from django import forms


class MapForm(forms.Form):
    dataset = forms.SlugField(max_length=100, label="Dataset",
                              help_text="The slug of the dataset this is, e.g. card-transactions.")
