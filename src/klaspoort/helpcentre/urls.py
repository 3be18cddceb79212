from django.urls import path

from klaspoort.helpcentre import views

app_name = "helpcentre"

urlpatterns = [
    path("hulp/", views.home_view, name="home"),
    path("hulp/artikel/<slug:slug>/", views.article_view, name="article"),
    path("hulp/<slug:slug>/", views.category_view, name="category"),
    path("beheer/hulp/", views.manage_view, name="manage"),
    path("beheer/hulp/nieuw/", views.edit_view, name="new"),
    path("beheer/hulp/<int:pk>/", views.edit_view, name="edit"),
]
