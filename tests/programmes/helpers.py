"""Making stations for tests, through the services (the only writers)."""

from __future__ import annotations

import datetime

from gonghui.programmes import services_stations

# 湖塘镇 (武进区) and 茶山街道 (天宁区), GCJ-02 as a phone map would give them.
HUTANG = (31.7203, 119.9703)
CHASHAN = (31.7806, 119.9866)


def station_data(org, **extra) -> dict:
    wujin = org.region_code == "320412"
    lat, lng = HUTANG if wujin else CHASHAN
    data = {
        "org": org,
        "name": extra.pop("name", ("武进湖塘" if wujin else "天宁茶山") + "爱心驿站"),
        "host_type": "bank",
        "host_name": "某银行支行",
        "address": ("武进区湖塘镇花园街1号" if wujin else "天宁区茶山路2号"),
        "region_code": org.region_code,
        "lat": lat,
        "lng": lng,
        "coord_system": "gcj02",
        "opening_hours": "每天 8:00-20:00",
        "facilities": ["water", "charging", "microwave"],
        "star_rating": 0,
        "status": "operating",
        "build_kind": "new",
        "built_on": datetime.date.today() - datetime.timedelta(days=30),
    }
    data.update(extra)
    return data


def make_station(user, org, **extra):
    return services_stations.station_create(user=user, data=station_data(org, **extra))
