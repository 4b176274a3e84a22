#!/usr/bin/env python3
"""Generate the small gridded meteorology samples shipped with the scenarios.

Writes, next to the scenarios:
  scenarios/data/lepreau_nwp_sample.nc     CF-1.10 netCDF-4 (netCDF4-python), lat/lon grid
  scenarios/data/lepreau_nwp_sample.grib2  the same fields as GRIB2 (ecCodes), lat/lon grid
  scenarios/data/lepreau_nwp_sample_lcc.grib2  the same fields on an HRRR-like Lambert conformal
                                           grid (6 km), winds relative to the grid
  scenarios/data/lepreau_backing_wind_stations.csv  station series: a wind backing SW -> S -> E

The weather is synthetic but shaped like a nor'easter over the Bay of Fundy on 2026-03-02:
east-north-east winds at 10 m of 7-9 m/s, backing slowly from 70 to 55 degrees over six hours,
growing with height along a neutral log profile (z0 = 0.1 m), light-to-moderate rain, a 600-700 m
boundary layer, near-neutral stability. East-north-east winds carry a Point Lepreau plume across
the border towards Eastport and Lubec (see shared/data/region/meteorology.md).

Usage: pip install netCDF4 numpy eccodes; python3 scripts/make_met_samples.py
Deterministic: re-running gives the same values (byte layout may differ with library versions).
"""

import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "scenarios", "data")

LAT = np.round(np.arange(44.45, 45.70 + 1e-9, 0.05), 4)  # 26 rows, south to north
LON = np.round(np.arange(-67.75, -65.75 + 1e-9, 0.08), 4)  # 26 columns, west to east
HEIGHTS_M = np.array([10.0, 40.0, 100.0, 250.0, 500.0, 1000.0, 2000.0])
HOURS = np.arange(0, 7)  # 00:00 to 06:00 UTC
KARMAN = 0.4
Z0_M = 0.1


def fields(lat2=None, lon2=None):
    """Returns a dict of arrays: 3-D winds (t, z, y, x) and 2-D surface fields (t, y, x), on the
    regular LAT x LON grid or at the nodes lat2, lon2 (degrees, shape (y, x))."""
    if lat2 is None:
        lat2, lon2 = np.meshgrid(LAT, LON, indexing="ij")
    nt, nz, (ny, nx) = len(HOURS), len(HEIGHTS_M), lat2.shape
    t = HOURS[:, None, None].astype(float)
    # Wind at 10 m: stronger offshore (south-east), backing with time.
    speed10 = 7.0 + 1.5 * (45.7 - lat2) / 1.25 + 0.2 * t
    from_deg = 70.0 - 2.5 * t + 3.0 * (lon2 + 66.75)
    ustar = KARMAN * speed10 / np.log(10.0 / Z0_M)
    shape = np.log(np.minimum(HEIGHTS_M, 700.0) / Z0_M)  # log profile, held above 700 m
    speed = ustar[:, None, :, :] / KARMAN * shape[None, :, None, None]
    to = np.deg2rad(from_deg + 180.0)[:, None, :, :]
    u = speed * np.sin(to)
    v = speed * np.cos(to)
    blh = 600.0 + 15.0 * t + 0.0 * lat2
    temp = 275.0 + 0.3 * t - 1.0 * (lat2 - 45.0)
    rain_mm_h = 1.5 + 1.0 * np.exp(-(((lat2 - 45.0) / 0.3) ** 2 + ((lon2 + 67.0) / 0.4) ** 2)) + 0.1 * t
    # Slightly stable marine air: small downward heat flux, Obukhov length ~ +600 m.
    shf = -8.0 + 0.0 * t + 0.0 * lat2
    rho_cp = 101325.0 / (287.05 * temp) * 1005.0
    obukhov = -rho_cp * temp * ustar**3 / (KARMAN * 9.80665 * shf)
    assert u.shape == (nt, nz, ny, nx)
    return dict(u=u, v=v, blh=blh, temp=temp, rain=rain_mm_h, ustar=ustar, shf=shf, obukhov=obukhov)


def write_netcdf(f, path):
    from netCDF4 import Dataset

    ds = Dataset(path, "w", format="NETCDF4")
    ds.Conventions = "CF-1.10"
    ds.title = "Synthetic nor'easter over the Bay of Fundy (plume sample)"
    ds.source = "scripts/make_met_samples.py"
    ds.createDimension("time", None)
    ds.createDimension("height", len(HEIGHTS_M))
    ds.createDimension("lat", len(LAT))
    ds.createDimension("lon", len(LON))
    tv = ds.createVariable("time", "f8", ("time",))
    tv.units = "hours since 2026-03-02 00:00:00"
    tv.standard_name = "time"
    tv.calendar = "standard"
    tv[:] = HOURS
    hv = ds.createVariable("height", "f4", ("height",))
    hv.units = "m"
    hv.standard_name = "height"
    hv.positive = "up"
    hv[:] = HEIGHTS_M
    la = ds.createVariable("lat", "f8", ("lat",))
    la.units = "degrees_north"
    la.standard_name = "latitude"
    la[:] = LAT
    lo = ds.createVariable("lon", "f8", ("lon",))
    lo.units = "degrees_east"
    lo.standard_name = "longitude"
    lo[:] = LON

    def var(name, dims, data, units, standard_name=None, long_name=None):
        x = ds.createVariable(name, "f4", dims, zlib=True, complevel=4, fill_value=-9999.0)
        x.units = units
        if standard_name:
            x.standard_name = standard_name
        if long_name:
            x.long_name = long_name
        x[:] = data

    d4 = ("time", "height", "lat", "lon")
    d3 = ("time", "lat", "lon")
    var("u", d4, f["u"], "m s-1", "eastward_wind")
    var("v", d4, f["v"], "m s-1", "northward_wind")
    var("t2m", d3, f["temp"], "K", "air_temperature", "air temperature at 2 m")
    var("blh", d3, f["blh"], "m", "atmosphere_boundary_layer_thickness")
    var("friction_velocity", d3, f["ustar"], "m s-1", None, "surface friction velocity")
    var("shf", d3, f["shf"], "W m-2", "surface_upward_sensible_heat_flux")
    var("precipitation_flux", d3, f["rain"] / 3600.0, "kg m-2 s-1", "precipitation_flux")
    ds.close()


def write_grib2(f, path):
    import eccodes

    nt, nz, ny, nx = f["u"].shape
    with open(path, "wb") as out:

        def message(hour, values2d, discipline, category, number, level_type, level):
            h = eccodes.codes_grib_new_from_samples("regular_ll_sfc_grib2")
            set_ = lambda k, v: eccodes.codes_set(h, k, v)
            set_("centre", "cwao")  # Canadian Meteorological Centre, as HRDPS
            set_("dataDate", 20260302)
            set_("dataTime", 0)
            set_("significanceOfReferenceTime", 1)
            set_("Ni", nx)
            set_("Nj", ny)
            set_("latitudeOfFirstGridPointInDegrees", float(LAT[0]))
            set_("longitudeOfFirstGridPointInDegrees", float(LON[0] % 360.0))
            set_("latitudeOfLastGridPointInDegrees", float(LAT[-1]))
            set_("longitudeOfLastGridPointInDegrees", float(LON[-1] % 360.0))
            set_("iDirectionIncrementInDegrees", 0.08)
            set_("jDirectionIncrementInDegrees", 0.05)
            set_("jScansPositively", 1)
            set_("discipline", discipline)
            set_("parameterCategory", category)
            set_("parameterNumber", number)
            set_("typeOfFirstFixedSurface", level_type)
            if level_type == 103:
                set_("scaleFactorOfFirstFixedSurface", 0)
                set_("scaledValueOfFirstFixedSurface", int(level))
            set_("stepUnits", 1)
            set_("forecastTime", int(hour))
            set_("bitsPerValue", 24)
            eccodes.codes_set_values(h, np.ascontiguousarray(values2d, dtype=float).ravel())
            eccodes.codes_write(h, out)
            eccodes.codes_release(h)

        for n, hour in enumerate(HOURS):
            for k, z in enumerate(HEIGHTS_M):
                message(hour, f["u"][n, k], 0, 2, 2, 103, z)
                message(hour, f["v"][n, k], 0, 2, 3, 103, z)
            message(hour, f["temp"][n], 0, 0, 0, 103, 2)
            message(hour, f["blh"][n], 0, 3, 18, 1, 0)
            message(hour, f["ustar"][n], 0, 2, 30, 1, 0)
            message(hour, f["shf"][n], 0, 0, 11, 1, 0)
            message(hour, f["rain"][n] / 3600.0, 0, 1, 7, 1, 0)


def write_stations(path):
    """Three stations, half-hourly, 2026-07-14 12:00-18:30 UTC: the wind backs from south-west
    (225 deg) through south to east (90 deg) over six hours (22.5 deg/h), freshening from 4 to 6
    m/s; neutral then slightly stable as a sea-breeze front passes; a shower mid-afternoon."""
    stations = [
        ("PLNGS", 45.068, -66.455, 10.0, 0.0),  # Point Lepreau
        ("CYSJ", 45.316, -65.890, 10.0, -10.0),  # Saint John airport (directions 10 deg behind)
        ("KEPM", 44.910, -67.012, 10.0, 8.0),  # Eastport, Maine
    ]
    rows = ["time,station,lat,lon,wind_height_m,wind_speed_m_s,wind_from_deg,stability,"
            "mixing_height_m,precipitation_mm_h,air_temperature_k"]
    for sid, lat, lon, zr, offset in stations:
        for n in range(14):
            hours = 0.5 * n
            frac = min(hours / 6.0, 1.0)
            from_deg = (225.0 - 135.0 * frac + offset) % 360.0
            speed = 4.0 + 2.0 * frac
            cls = "D" if hours < 3.0 else "E"
            mixing = 900.0 - 300.0 * frac
            rain = 2.0 if 2.5 <= hours <= 3.5 else 0.0
            temp = 291.0 - 3.0 * frac
            minutes = 12 * 60 + int(round(hours * 60))
            t = "2026-07-14T%02d:%02d:00Z" % (minutes // 60, minutes % 60)
            rows.append("%s,%s,%.3f,%.3f,%.0f,%.2f,%.1f,%s,%.0f,%.1f,%.2f"
                        % (t, sid, lat, lon, zr, speed, from_deg, cls, mixing, rain, temp))
    with open(path, "w") as out:
        out.write("# Synthetic station series for scenarios/lepreau_backing_wind.toml "
                  "(scripts/make_met_samples.py)\n")
        out.write("\n".join(rows) + "\n")


# A Lambert conformal grid with HRRR's projection (LoV 97.5 W, true at 38.5 N), 6 km cells,
# centred on the domain; winds written relative to the grid as HRRR does; 16-bit packing.
LCC = dict(lov=-97.5, latin=38.5, dx=6000.0, n=36, centre=(45.07, -66.75))
R_EARTH = 6371229.0  # shapeOfTheEarth = 6


def lcc_forward(lat, lon):
    phi1, lam0 = np.deg2rad(LCC["latin"]), np.deg2rad(LCC["lov"])
    n = np.sin(phi1)
    f = np.cos(phi1) * np.tan(np.pi / 4 + phi1 / 2) ** n / n
    rho = R_EARTH * f / np.tan(np.pi / 4 + np.deg2rad(lat) / 2) ** n
    rho0 = R_EARTH * f / np.tan(np.pi / 4 + phi1 / 2) ** n
    th = n * (np.deg2rad(lon) - lam0)
    return rho * np.sin(th), rho0 - rho * np.cos(th)


def lcc_inverse(x, y):
    phi1, lam0 = np.deg2rad(LCC["latin"]), np.deg2rad(LCC["lov"])
    n = np.sin(phi1)
    f = np.cos(phi1) * np.tan(np.pi / 4 + phi1 / 2) ** n / n
    rho0 = R_EARTH * f / np.tan(np.pi / 4 + phi1 / 2) ** n
    rho = np.hypot(x, rho0 - y)
    th = np.arctan2(x, rho0 - y)
    lat = 2 * np.arctan((R_EARTH * f / rho) ** (1 / n)) - np.pi / 2
    return np.rad2deg(lat), np.rad2deg(lam0 + th / n)


def write_grib2_lcc(path):
    import eccodes

    n, dx = LCC["n"], LCC["dx"]
    xc, yc = lcc_forward(*LCC["centre"])
    x = xc + (np.arange(n) - (n - 1) / 2) * dx
    y = yc + (np.arange(n) - (n - 1) / 2) * dx
    xx, yy = np.meshgrid(x, y)
    lat2, lon2 = lcc_inverse(xx, yy)
    f = fields(lat2, lon2)
    # Angle of the grid's x axis north of true east at each node, measured numerically.
    la_e, lo_e = lcc_inverse(xx + 1.0, yy)
    alpha = np.arctan2(la_e - lat2, (lo_e - lon2) * np.cos(np.deg2rad(lat2)))
    ca, sa = np.cos(alpha), np.sin(alpha)
    u_grid = f["u"] * ca + f["v"] * sa
    v_grid = -f["u"] * sa + f["v"] * ca
    with open(path, "wb") as out:

        def message(hour, values2d, category, number, level_type, level):
            h = eccodes.codes_grib_new_from_samples("GRIB2")
            set_ = lambda k, v: eccodes.codes_set(h, k, v)
            set_("gridDefinitionTemplateNumber", 30)
            set_("centre", "kwbc")  # NCEP, as HRRR
            set_("dataDate", 20260302)
            set_("dataTime", 0)
            set_("shapeOfTheEarth", 6)
            set_("Nx", n)
            set_("Ny", n)
            set_("latitudeOfFirstGridPointInDegrees", float(lat2[0, 0]))
            set_("longitudeOfFirstGridPointInDegrees", float(lon2[0, 0] % 360.0))
            set_("LaDInDegrees", LCC["latin"])
            set_("LoVInDegrees", LCC["lov"] % 360.0)
            set_("Latin1InDegrees", LCC["latin"])
            set_("Latin2InDegrees", LCC["latin"])
            set_("DxInMetres", dx)
            set_("DyInMetres", dx)
            set_("iScansNegatively", 0)
            set_("jScansPositively", 1)
            set_("uvRelativeToGrid", 1)
            set_("discipline", 0)
            set_("parameterCategory", category)
            set_("parameterNumber", number)
            set_("typeOfFirstFixedSurface", level_type)
            if level_type == 103:
                set_("scaleFactorOfFirstFixedSurface", 0)
                set_("scaledValueOfFirstFixedSurface", int(level))
            set_("stepUnits", 1)
            set_("forecastTime", int(hour))
            set_("bitsPerValue", 16)
            eccodes.codes_set_values(h, np.ascontiguousarray(values2d, dtype=float).ravel())
            lats = eccodes.codes_get_array(h, "latitudes").reshape(n, n)
            assert np.abs(lats - lat2).max() < 1e-3, "ecCodes and this script disagree on the grid"
            eccodes.codes_write(h, out)
            eccodes.codes_release(h)

        for k_t, hour in enumerate(HOURS):
            for k, z in enumerate(HEIGHTS_M):
                message(hour, u_grid[k_t, k], 2, 2, 103, z)
                message(hour, v_grid[k_t, k], 2, 3, 103, z)
            message(hour, f["temp"][k_t], 0, 0, 103, 2)
            message(hour, f["blh"][k_t], 3, 18, 1, 0)
            message(hour, f["ustar"][k_t], 2, 30, 1, 0)
            message(hour, f["shf"][k_t], 0, 11, 1, 0)
            message(hour, f["rain"][k_t] / 3600.0, 1, 7, 1, 0)


if __name__ == "__main__":
    write_stations(os.path.join(OUT, "lepreau_backing_wind_stations.csv"))
    os.makedirs(OUT, exist_ok=True)
    f = fields()
    write_netcdf(f, os.path.join(OUT, "lepreau_nwp_sample.nc"))
    try:
        write_grib2(f, os.path.join(OUT, "lepreau_nwp_sample.grib2"))
        write_grib2_lcc(os.path.join(OUT, "lepreau_nwp_sample_lcc.grib2"))
    except ImportError:
        print("eccodes not installed: GRIB2 sample not written")
    print("written to", os.path.normpath(OUT))
