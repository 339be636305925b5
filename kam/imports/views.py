from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render


@login_required
def index(request):
    return render(request, "imports/index.html", {})


@login_required
def export(request, kind):
    raise Http404
