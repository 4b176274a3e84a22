//! Every integration test in one binary: one link instead of sixty keeps a clean `cargo test
//! --release` within CI's disk and time (each binary carried its own copy of wgpu, HDF5 and the
//! model). Each file of `tests/` is a module here, named for what it tests; the helpers shared
//! between them are `common`, `support` and `lagrangian_support`. `gpu_no_adapter` stays a
//! binary of its own: it hides the GPU through the process environment.

mod common;
mod lagrangian_support;
mod support;

mod cap_alerts;
mod compare;
mod consequence_bateman;
mod consequence_dose;
mod consequence_jurisdiction;
mod consequence_run;
mod consequence_source;
mod consequence_tables;
mod consequence_zones;
mod coverage_warnings;
mod dense_gas;
mod ensemble;
mod ensemble_shards;
mod ensemble_weather;
mod evaluate_cli;
mod evaluate_output;
mod evaluate_parsers;
mod evaluate_prairie_grass;
mod gaussian_deposition;
mod gaussian_physics;
mod gaussian_run;
mod gaussian_sigma;
mod geodesy;
mod gpu_backend_choice;
mod gpu_gaussian;
mod gpu_lagrangian_analytic;
mod gpu_langevin;
mod gpu_rng;
mod gpu_runs;
mod gpu_shaders;
mod infrastructure;
mod interrupt;
mod kml_schema;
mod lagrangian_convective;
mod lagrangian_decay;
mod lagrangian_deposition_analytic;
mod lagrangian_determinism;
mod lagrangian_dry_deposition;
mod lagrangian_exposure_tally;
mod lagrangian_gaussian_limit;
mod lagrangian_loss_merging;
mod lagrangian_mass_balance;
mod lagrangian_meander;
mod lagrangian_robustness;
mod lagrangian_sampling;
mod lagrangian_scenarios;
mod lagrangian_sigma_theta;
mod lagrangian_spatial_met;
mod lagrangian_spent;
mod lagrangian_surface_layer;
mod lagrangian_taylor;

mod lagrangian_well_mixed;
mod output_cf_checker;
mod output_netcdf;
mod puff_budget;
mod puff_dense;
mod puff_substeps;
mod puff_vertical_split;
mod run_outputs;
mod scenario_files;
mod scenario_limits;
mod scenario_sources;
mod settling;
mod substance_names;
mod urban_night;
mod weather_check;
mod weather_damaged_files;
mod weather_grib2;
mod weather_lagrangian;
mod weather_longitudes;
mod weather_met;
mod weather_met_grids;
mod weather_puff;
mod weather_puff_calm;
mod weather_scenarios;
mod weather_station;
mod zones_output;
