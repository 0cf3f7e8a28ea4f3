from __future__ import annotations

from django import forms

from monitoring.models import Direction


class MonitoringRecordForm(forms.Form):
    metric = forms.CharField(max_length=80, help_text="e.g. psi_merchant_mix, recall_at_1pct_fpr")
    value = forms.FloatField()
    observed_at = forms.DateTimeField(label="Observed at (UTC)",
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    threshold = forms.FloatField()
    direction = forms.ChoiceField(choices=Direction.choices, initial=Direction.ABOVE,
                                  label="A breach is a value")
