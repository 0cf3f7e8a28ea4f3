"""A wiki page's page, with its review; approving it and asking for a review."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from config.exceptions import ApplicationError
from config.web import submit
from lifecycle import selectors, services
from lifecycle.forms import ActionItemForm, ApprovalForm
from wiki.permissions import get_page_for_user_or_404
from wiki.views import page_context


@login_required
def page_detail(request: HttpRequest, space: str, slug: str) -> HttpResponse:
    page = get_page_for_user_or_404(request.user, space, slug)
    space_obj = page.space
    retro = selectors.retrospective_panel(user=request.user, page=page)
    if retro:
        retro["item_form"] = ActionItemForm() if retro["can_edit"] else None
    context = {**page_context(request, space_obj, page),
               "review": selectors.review_panel(user=request.user, page=page), "retro": retro}
    return render(request, "wiki/page_detail.html", context)


@login_required
@require_POST
def page_approve(request: HttpRequest, space: str, slug: str) -> HttpResponse:
    page = get_page_for_user_or_404(request.user, space, slug)
    form = ApprovalForm(request.POST)
    review = submit(form, lambda: services.page_review(page=page, by=request.user, **form.cleaned_data))
    if review:
        messages.success(request, f"{review.get_decision_display()}: revision {review.revision}.")
    else:
        for error in form.non_field_errors() + [e for name in ("revision", "decision", "comment")
                                                for e in form.errors.get(name, [])]:
            messages.error(request, error)
    return redirect(page)


@login_required
@require_POST
def page_request_review(request: HttpRequest, space: str, slug: str) -> HttpResponse:
    page = get_page_for_user_or_404(request.user, space, slug)
    try:
        services.review_request(page=page, by=request.user)
        messages.success(request, "Review requested: the project's reviewers see it on the page.")
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect(page)
