//! `/live-classes/{id}/actual-times`: start and end times recorded by staff.

pub mod record;
