"""Station pages: registry list/detail/edit, photos, inspections, usage, overdue list, map, public nearby page."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from gonghui.core.forms import apply_form_errors
from gonghui.core.querysets import can, get_restricted_or_404
from gonghui.core.views_generic import ObjectDeleteView, ObjectEditView, ObjectListView
from gonghui.programmes import geo, selectors_stations, services_stations
from gonghui.programmes.filtersets import StationFilterSet
from gonghui.programmes.forms import InspectionForm, StationForm, StationPhotoForm, UsageReportForm
from gonghui.programmes.models.stations import (
    CHECKLIST,
    FACILITIES,
    Inspection,
    Station,
    StationPhoto,
    StationStatus,
    UsageReport,
)
from gonghui.programmes.tables import FixOverdueTable, OverdueStationTable, StationTable

LIST = "programmes:station_list"


class StationListView(ObjectListView):
    model = Station
    table_class = StationTable
    filterset_class = StationFilterSet
    title = "工会驿站"
    add_url_name = "programmes:station_add"
    export_filename = "工会驿站"
    empty_text = "没有符合条件的驿站。"
    template_name = "programmes/station_list.html"

    def get_queryset(self, action):
        return self.restricted(action).select_related("org")

    def extra_context(self):
        return {"map_url": reverse("programmes:station_map"), "overdue_url": reverse("programmes:station_overdue")}


class OverdueListView(ObjectListView):
    """巡查超期: operating stations past their inspection date, for their union and every union above it."""

    model = Station
    table_class = OverdueStationTable
    title = "巡查超期驿站"
    export_filename = "巡查超期驿站"
    empty_text = "没有巡查超期的驿站。"
    template_name = "programmes/station_overdue.html"

    def get_queryset(self, action):
        return selectors_stations.overdue_inspections(self.request.user).filter(
            pk__in=Station.objects.restrict(self.request.user, action).values("pk")
        )

    def extra_context(self):
        fixes = FixOverdueTable(selectors_stations.fixes_overdue(self.request.user), prefix="fix-")
        RequestConfig(self.request, paginate={"per_page": 25}).configure(fixes)
        return {"fix_table": fixes, "breadcrumbs": [("工会驿站", reverse(LIST)), (self.title, None)]}


@login_required
def station_detail(request, pk: int):
    station = get_restricted_or_404(Station.objects.select_related("org"), request.user, "view", pk=pk)
    return _render_detail(request, station)


def _render_detail(request, station, *, inspection_form=None, usage_form=None, photo_form=None, follow_up=None):
    user = request.user
    can_change = Station.objects.restrict(user, "change").filter(pk=station.pk).exists()
    inspections = list(
        Inspection.objects.restrict(user, "view").filter(station=station).select_related("follow_up_of")[:50]
    )
    usage = list(UsageReport.objects.restrict(user, "view").filter(station=station)[:24])
    photos = list(StationPhoto.objects.restrict(user, "view").filter(station=station))
    can_inspect = can_change and can(user, Inspection, "add") and station.status != StationStatus.REVOKED
    can_report_usage = can_change and can(user, UsageReport, "add")
    today = datetime.date.today()
    for inspection in inspections:
        inspection.fix_overdue = inspection.is_fix_overdue(today)
    system = selectors_stations.tile_coord_system()
    lat, lng = station.position_in(system)
    return render(
        request,
        "programmes/station_detail.html",
        {
            "title": station.name,
            "station": station,
            "breadcrumbs": [("工会驿站", reverse(LIST)), (station.name, None)],
            "can_change": can_change,
            "can_delete": Station.objects.restrict(user, "delete").filter(pk=station.pk).exists(),
            "can_inspect": can_inspect,
            "can_report_usage": can_report_usage,
            "inspections": inspections,
            "usage": usage,
            "photos": photos,
            "checklist": CHECKLIST,
            "follow_up": follow_up,
            "inspection_form": inspection_form
            or InspectionForm(initial={"inspected_on": today, "passed_items": [c for c, _ in CHECKLIST]}),
            "usage_form": usage_form or UsageReportForm(initial={"month": today.replace(day=1)}),
            "photo_form": photo_form or StationPhotoForm(),
            "wgs": (round(station.wgs_lat, 6), round(station.wgs_lng, 6)),
            "gcj": tuple(round(v, 6) for v in geo.from_wgs84(station.wgs_lat, station.wgs_lng, "gcj02")),
            "bd": tuple(round(v, 6) for v in geo.from_wgs84(station.wgs_lat, station.wgs_lng, "bd09")),
            "map_point": {"lat": lat, "lng": lng, "name": station.name},
            "tile_url": selectors_stations.tile_url(),
            "is_overdue": station.is_overdue(today),
        },
    )


class StationEditView(ObjectEditView):
    model = Station
    form_class = StationForm
    list_url_name = LIST

    def create(self, form):
        return services_stations.station_create(user=self.request.user, data=form.cleaned_data)

    def update(self, obj, form):
        return services_stations.station_update(user=self.request.user, station=obj, data=form.cleaned_data)


class StationDeleteView(ObjectDeleteView):
    model = Station
    list_url_name = LIST

    def delete(self, obj):
        services_stations.station_delete(user=self.request.user, station=obj)


def _station_for_change(request, pk: int) -> Station:
    if not can(request.user, Station, "change"):
        raise PermissionDenied("您没有维护驿站的权限。")
    return get_restricted_or_404(Station, request.user, "change", pk=pk)


@login_required
@require_POST
def inspection_add(request, pk: int):
    station = _station_for_change(request, pk)
    follow_up = None
    if request.POST.get("follow_up_of"):
        follow_up = get_restricted_or_404(
            Inspection, request.user, "change", pk=request.POST["follow_up_of"], station=station
        )
    form = InspectionForm(request.POST)
    if form.is_valid():
        try:
            services_stations.inspection_create(
                user=request.user, station=station, data=form.cleaned_data, follow_up_of=follow_up
            )
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, "已登记巡查。" if follow_up is None else "已登记复查。")
            return HttpResponseRedirect(station.get_absolute_url() + "#inspections")
    return _render_detail(request, station, inspection_form=form, follow_up=follow_up)


@login_required
@require_POST
def inspection_delete(request, pk: int, inspection_pk: int):
    station = _station_for_change(request, pk)
    inspection = get_restricted_or_404(Inspection, request.user, "delete", pk=inspection_pk, station=station)
    try:
        services_stations.inspection_delete(user=request.user, inspection=inspection)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, f"已删除 {inspection.inspected_on:%Y-%m-%d} 的巡查记录。")
    return HttpResponseRedirect(station.get_absolute_url() + "#inspections")


@login_required
@require_POST
def usage_save(request, pk: int):
    station = _station_for_change(request, pk)
    form = UsageReportForm(request.POST)
    if form.is_valid():
        try:
            services_stations.usage_report_save(
                user=request.user,
                station=station,
                month=form.cleaned_data["month"],
                visits=form.cleaned_data["visits"],
                remark=form.cleaned_data.get("remark", ""),
            )
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, f"已保存 {form.cleaned_data['month']:%Y年%m月} 的服务人次。")
            return HttpResponseRedirect(station.get_absolute_url() + "#usage")
    return _render_detail(request, station, usage_form=form)


@login_required
@require_POST
def photo_add(request, pk: int):
    station = _station_for_change(request, pk)
    form = StationPhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services_stations.station_photo_add(
                user=request.user,
                station=station,
                image=form.cleaned_data["image"],
                caption=form.cleaned_data.get("caption", ""),
            )
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, "已上传照片。")
            return HttpResponseRedirect(station.get_absolute_url() + "#photos")
    return _render_detail(request, station, photo_form=form)


@login_required
@require_POST
def photo_delete(request, pk: int, photo_pk: int):
    station = _station_for_change(request, pk)
    photo = get_restricted_or_404(StationPhoto, request.user, "change", pk=photo_pk, station=station)
    services_stations.station_photo_delete(user=request.user, photo=photo)
    messages.success(request, "已删除照片。")
    return HttpResponseRedirect(station.get_absolute_url() + "#photos")


@login_required
def photo_file(request, pk: int, photo_pk: int):
    """Photos are served through the scope check, not straight from MEDIA_ROOT."""
    from django.http import FileResponse

    photo = get_restricted_or_404(StationPhoto, request.user, "view", pk=photo_pk, station_id=pk)
    return FileResponse(photo.image.open("rb"))


@login_required
def station_map(request):
    if not can(request.user, Station, "view"):
        raise PermissionDenied("您没有查看驿站的权限。")
    stations = selectors_stations.stations_for(request.user).exclude(status=StationStatus.REVOKED)
    return render(
        request,
        "programmes/station_map.html",
        {
            "title": "驿站地图",
            "breadcrumbs": [("工会驿站", reverse(LIST)), ("驿站地图", None)],
            "points": selectors_stations.map_points(stations),
            "facilities": FACILITIES,
            "statuses": [c for c in StationStatus.choices if c[0] != StationStatus.REVOKED],
            "tile_url": selectors_stations.tile_url(),
        },
    )


# --- public: 附近驿站 -------------------------------------------------------------------------------


def _float(value: str | None, low: float, high: float) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def nearby(request):
    """附近驿站: no login. Nearest operating stations to the phone's position (WGS-84 from the browser's
    geolocation) or to a typed district/address; shows only what a station posts on its door."""
    lat = _float(request.GET.get("lat"), -90, 90)
    lng = _float(request.GET.get("lng"), -180, 180)
    place = request.GET.get("place", "").strip()[:40]
    facility = [code for code in request.GET.getlist("facility") if code in dict(FACILITIES)]
    results, error, origin = [], "", ""
    queryset = selectors_stations.with_facilities(selectors_stations.public_stations(), facility)
    if lat is not None and lng is not None:
        results = selectors_stations.nearest(queryset, lat, lng, limit=10)
        origin = "您的当前位置"
    elif place:
        centre = selectors_stations.region_centre(place)
        if centre is None:
            error = f"没有找到“{place}”的驿站，请换一个区县、街道或路名试试。"
        else:
            results = selectors_stations.nearest(queryset, centre[0], centre[1], limit=10)
            origin = centre[2]
    elif "lat" in request.GET or "lng" in request.GET:
        error = "无法识别您的位置，请输入所在区县或街道名称查找。"
    return render(
        request,
        "programmes/public/nearby.html",
        {
            "results": results,
            "error": error,
            "origin": origin,
            "place": place,
            "facilities": FACILITIES,
            "chosen": facility,
            "searched": bool(results or error),
        },
    )
