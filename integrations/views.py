"""Stewards' page: the datasets OpenLineage events named that map to no dataset, and a form
to say which dataset each one is."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from config.web import paginate, submit
from integrations import selectors, services
from integrations.forms import MapForm
from registry import permissions
from registry.models import Dataset


def _page(request: HttpRequest, *, form: MapForm | None = None, failed: int | None = None,
          status: int = 200) -> HttpResponse:
    page = paginate(request, selectors.unmapped_datasets(user=request.user))
    return render(request, "integrations/unmapped_list.html",
                  {"page": page, "form": form, "failed": failed, "query": ""}, status=status)


@login_required
def unmapped_list(request: HttpRequest) -> HttpResponse:
    return _page(request)


@login_required
@require_POST
def unmapped_map(request: HttpRequest, pk: int) -> HttpResponse:
    unmapped = get_object_or_404(selectors.unmapped_datasets(user=request.user), pk=pk)
    form = MapForm(request.POST)
    # unknown, hidden and read-only datasets are refused with the same words
    dataset = Dataset.objects.visible_to(request.user).filter(slug=request.POST.get("dataset", "")).first()
    if (dataset is None or not permissions.can_edit_dataset(request.user, dataset)) and form.is_valid():
        form.add_error("dataset", "No dataset with this slug that you may edit.")
    if submit(form, lambda: services.unmapped_dataset_map(unmapped=unmapped, dataset=dataset,
                                                          by=request.user)):
        messages.success(request, f"{unmapped.uri} is now the source location of {dataset.name}: "
                                  "the next events naming it map to it.")
        return redirect("integrations:unmapped_list")
    return _page(request, form=form, failed=unmapped.pk, status=400)
