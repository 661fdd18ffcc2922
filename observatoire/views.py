from django.http import HttpResponse


def tableau_de_bord(request):
    return HttpResponse("")
