//! The tables the emulator knows, their columns and column types: what `$select`, `$filter`,
//! request bodies, formatted values and `EntityDefinitions` are checked against. Built from the
//! [`EmulatorConfig`] so the connector's assumed names can be overridden. Holds no records.

use crate::config::EmulatorConfig;

/// How a column is stored and shown.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// A record id.
    Uniqueidentifier,
    /// Single line of text.
    String {
        /// Maximum length in characters.
        max_len: usize,
    },
    /// Multiple lines of text.
    Memo {
        /// Maximum length in characters.
        max_len: usize,
    },
    /// Two options, with their labels.
    Boolean {
        /// Label of `true`.
        yes: String,
        /// Label of `false`.
        no: String,
    },
    /// Date and time (UTC on the wire).
    DateTime,
    /// Whole number.
    Integer,
    /// Option set: value and label.
    Picklist(Vec<(i64, String)>),
    /// `statecode`: value and label.
    State(Vec<(i64, String)>),
    /// `statuscode`: value, label and the state it belongs to.
    Status(Vec<(i64, String, i64)>),
    /// A lookup to one or more tables.
    Lookup(Vec<LookupTarget>),
}

/// One table a lookup can point at, and the navigation property that binds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LookupTarget {
    /// Logical name of the target table.
    pub table: String,
    /// Single-valued navigation property (`<nav>@odata.bind`).
    pub nav: String,
}

/// Whether a client may write a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Written by clients.
    Writable,
    /// Maintained by the platform; ignored in request bodies, as Dataverse does.
    System,
}

/// A column of a table.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// Logical name (for lookups the attribute name, e.g. `esc_contactid`).
    pub logical_name: String,
    /// Display name.
    pub label: String,
    /// Type.
    pub kind: Kind,
    /// Who writes it.
    pub access: Access,
}

impl Column {
    /// The property name in Web API payloads: `_<name>_value` for lookups.
    pub fn property(&self) -> String {
        match self.kind {
            Kind::Lookup(_) => format!("_{}_value", self.logical_name),
            _ => self.logical_name.clone(),
        }
    }

    /// The `AttributeType` name in metadata.
    pub fn attribute_type(&self) -> &'static str {
        match self.kind {
            Kind::Uniqueidentifier => "Uniqueidentifier",
            Kind::String { .. } => "String",
            Kind::Memo { .. } => "Memo",
            Kind::Boolean { .. } => "Boolean",
            Kind::DateTime => "DateTime",
            Kind::Integer => "Integer",
            Kind::Picklist(_) => "Picklist",
            Kind::State(_) => "State",
            Kind::Status(_) => "Status",
            Kind::Lookup(_) => "Lookup",
        }
    }

    /// The derived metadata type name (`@odata.type`).
    pub fn metadata_type(&self) -> &'static str {
        match self.kind {
            Kind::Uniqueidentifier => "#Microsoft.Dynamics.CRM.UniqueIdentifierAttributeMetadata",
            Kind::String { .. } => "#Microsoft.Dynamics.CRM.StringAttributeMetadata",
            Kind::Memo { .. } => "#Microsoft.Dynamics.CRM.MemoAttributeMetadata",
            Kind::Boolean { .. } => "#Microsoft.Dynamics.CRM.BooleanAttributeMetadata",
            Kind::DateTime => "#Microsoft.Dynamics.CRM.DateTimeAttributeMetadata",
            Kind::Integer => "#Microsoft.Dynamics.CRM.IntegerAttributeMetadata",
            Kind::Picklist(_) => "#Microsoft.Dynamics.CRM.PicklistAttributeMetadata",
            Kind::State(_) => "#Microsoft.Dynamics.CRM.StateAttributeMetadata",
            Kind::Status(_) => "#Microsoft.Dynamics.CRM.StatusAttributeMetadata",
            Kind::Lookup(_) => "#Microsoft.Dynamics.CRM.LookupAttributeMetadata",
        }
    }

    /// The label of an option value (option sets, state, status).
    pub fn option_label(&self, value: i64) -> Option<&str> {
        match &self.kind {
            Kind::Picklist(options) | Kind::State(options) => options
                .iter()
                .find(|(v, _)| *v == value)
                .map(|(_, label)| label.as_str()),
            Kind::Status(options) => options
                .iter()
                .find(|(v, _, _)| *v == value)
                .map(|(_, label, _)| label.as_str()),
            _ => None,
        }
    }
}

/// A table: names and columns.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// Logical name, e.g. `contact`.
    pub logical_name: String,
    /// Entity set name used in URLs, e.g. `contacts`.
    pub entity_set: String,
    /// Primary key column.
    pub primary_key: String,
    /// Primary name column (shown as a lookup's formatted value).
    pub primary_name: String,
    /// Display name.
    pub label: String,
    /// Columns, primary key first.
    pub columns: Vec<Column>,
}

impl Table {
    /// The column whose Web API property name is `property` (`_x_value` for lookups).
    pub fn column_by_property(&self, property: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.property() == property)
    }

    /// The column with this logical name.
    pub fn column(&self, logical_name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.logical_name == logical_name)
    }

    /// The lookup column and target bound through navigation property `nav`.
    pub fn lookup_by_nav(&self, nav: &str) -> Option<(&Column, &LookupTarget)> {
        self.columns.iter().find_map(|column| match &column.kind {
            Kind::Lookup(targets) => targets.iter().find(|t| t.nav == nav).map(|t| (column, t)),
            _ => None,
        })
    }

    /// The OData type name used in error messages, e.g. `Microsoft.Dynamics.CRM.contact`.
    pub fn type_name(&self) -> String {
        format!("Microsoft.Dynamics.CRM.{}", self.logical_name)
    }
}

/// All tables the emulator serves.
#[derive(Clone, Debug, PartialEq)]
pub struct Schema {
    /// The tables.
    pub tables: Vec<Table>,
}

/// Logical names of the platform tables.
pub mod names {
    /// `contact`.
    pub const CONTACT: &str = "contact";
    /// `annotation` (notes).
    pub const ANNOTATION: &str = "annotation";
    /// `solution`.
    pub const SOLUTION: &str = "solution";
    /// `systemuser`.
    pub const SYSTEMUSER: &str = "systemuser";
    /// `role` (security role).
    pub const ROLE: &str = "role";
    /// `roletemplate` (the platform's role templates; a lookup target only, not served).
    pub const ROLETEMPLATE: &str = "roletemplate";
    /// The N:N relationship between `systemuser` and `role`, and its collection-valued
    /// navigation property on both sides.
    pub const SYSTEMUSERROLES: &str = "systemuserroles_association";
    /// `systemform`.
    pub const SYSTEMFORM: &str = "systemform";
    /// `organization`.
    pub const ORGANIZATION: &str = "organization";
    /// `privilege`.
    pub const PRIVILEGE: &str = "privilege";
    /// The N:N between `role` and `privilege`, and its collection-valued navigation property.
    pub const ROLEPRIVILEGES: &str = "roleprivileges_association";
}

impl Schema {
    /// The schema for a configuration.
    pub fn new(config: &EmulatorConfig) -> Schema {
        let n = &config.suppression;
        let active = || Kind::State(vec![(0, "Active".to_string()), (1, "Inactive".to_string())]);
        let status = || {
            Kind::Status(vec![
                (1, "Active".to_string(), 0),
                (2, "Inactive".to_string(), 1),
            ])
        };
        let user_lookup = |name: &str, label: &str| Column {
            logical_name: name.to_string(),
            label: label.to_string(),
            kind: Kind::Lookup(vec![LookupTarget {
                table: names::SYSTEMUSER.to_string(),
                nav: name.to_string(),
            }]),
            access: Access::System,
        };
        let audit = || {
            vec![
                column("createdon", "Created On", Kind::DateTime, Access::System),
                column("modifiedon", "Modified On", Kind::DateTime, Access::System),
                user_lookup("createdby", "Created By"),
                user_lookup("modifiedby", "Modified By"),
            ]
        };
        let yes_no = || Kind::Boolean {
            yes: "Yes".to_string(),
            no: "No".to_string(),
        };
        let allow = || Kind::Boolean {
            yes: "Do Not Allow".to_string(),
            no: "Allow".to_string(),
        };

        let mut suppression = vec![
            column(
                &n.primary_key,
                "Email Suppression",
                Kind::Uniqueidentifier,
                Access::System,
            ),
            column(
                &n.email,
                "Email Address",
                Kind::String { max_len: 100 },
                Access::Writable,
            ),
            column(
                &n.reason,
                "Reason",
                Kind::Picklist(
                    config
                        .reasons
                        .iter()
                        .map(|r| (r.value, r.label.clone()))
                        .collect(),
                ),
                Access::Writable,
            ),
            column(
                &n.request_resubscribe,
                "Request Resubscribe",
                yes_no(),
                Access::Writable,
            ),
            column(
                &n.request_date,
                "Resubscribe Request Date",
                Kind::DateTime,
                Access::Writable,
            ),
            column(
                &n.contact,
                "Contact",
                Kind::Lookup(vec![LookupTarget {
                    table: names::CONTACT.to_string(),
                    nav: n.contact.clone(),
                }]),
                Access::Writable,
            ),
            column("statecode", "Status", active(), Access::Writable),
            column("statuscode", "Status Reason", status(), Access::Writable),
        ];
        suppression.extend(audit());

        let mut contact = vec![
            column(
                "contactid",
                "Contact",
                Kind::Uniqueidentifier,
                Access::System,
            ),
            column(
                "fullname",
                "Full Name",
                Kind::String { max_len: 160 },
                Access::System,
            ),
            column(
                "firstname",
                "First Name",
                Kind::String { max_len: 50 },
                Access::Writable,
            ),
            column(
                "lastname",
                "Last Name",
                Kind::String { max_len: 50 },
                Access::Writable,
            ),
            column(
                "emailaddress1",
                "Email",
                Kind::String { max_len: 100 },
                Access::Writable,
            ),
            column("donotbulkemail", "Bulk Email", allow(), Access::Writable),
            column("donotemail", "Email", allow(), Access::Writable),
            column("statecode", "Status", active(), Access::Writable),
            column("statuscode", "Status Reason", status(), Access::Writable),
        ];
        contact.extend(audit());

        let mut annotation = vec![
            column(
                "annotationid",
                "Note",
                Kind::Uniqueidentifier,
                Access::System,
            ),
            column(
                "subject",
                "Title",
                Kind::String { max_len: 500 },
                Access::Writable,
            ),
            column(
                "notetext",
                "Description",
                Kind::Memo { max_len: 100_000 },
                Access::Writable,
            ),
            column("isdocument", "Is Document", yes_no(), Access::Writable),
            column(
                "objecttypecode",
                "Object Type",
                Kind::String { max_len: 64 },
                Access::System,
            ),
            Column {
                logical_name: "objectid".to_string(),
                label: "Regarding".to_string(),
                kind: Kind::Lookup(vec![
                    LookupTarget {
                        table: names::CONTACT.to_string(),
                        nav: "objectid_contact".to_string(),
                    },
                    LookupTarget {
                        table: n.table.clone(),
                        nav: format!("objectid_{}", n.table),
                    },
                ]),
                access: Access::Writable,
            },
        ];
        annotation.extend(audit());

        let solution = vec![
            column(
                "solutionid",
                "Solution",
                Kind::Uniqueidentifier,
                Access::System,
            ),
            column(
                "uniquename",
                "Name",
                Kind::String { max_len: 65 },
                Access::Writable,
            ),
            column(
                "friendlyname",
                "Display Name",
                Kind::String { max_len: 256 },
                Access::Writable,
            ),
            column(
                "version",
                "Version",
                Kind::String { max_len: 256 },
                Access::Writable,
            ),
            column("ismanaged", "Package Type", yes_no(), Access::System),
            column(
                "installedon",
                "Installed On",
                Kind::DateTime,
                Access::System,
            ),
        ];

        let systemuser = vec![
            column(
                "systemuserid",
                "User",
                Kind::Uniqueidentifier,
                Access::System,
            ),
            column(
                "fullname",
                "Full Name",
                Kind::String { max_len: 200 },
                Access::System,
            ),
            column(
                "domainname",
                "User Name",
                Kind::String { max_len: 1024 },
                Access::Writable,
            ),
        ];

        let mut role = vec![
            column("roleid", "Role", Kind::Uniqueidentifier, Access::System),
            column(
                "name",
                "Name",
                Kind::String { max_len: 100 },
                Access::Writable,
            ),
            Column {
                logical_name: "roletemplateid".to_string(),
                label: "Role Template".to_string(),
                kind: Kind::Lookup(vec![LookupTarget {
                    table: names::ROLETEMPLATE.to_string(),
                    nav: "roletemplateid".to_string(),
                }]),
                access: Access::System,
            },
        ];
        role.extend(audit());

        let mut tables = vec![
            table(
                &n.table,
                &n.entity_set,
                &n.primary_key,
                &n.email,
                "Email Suppression",
                suppression,
            ),
            table(
                names::CONTACT,
                "contacts",
                "contactid",
                "fullname",
                "Contact",
                contact,
            ),
            table(
                names::ANNOTATION,
                "annotations",
                "annotationid",
                "subject",
                "Note",
                annotation,
            ),
            table(
                names::SOLUTION,
                "solutions",
                "solutionid",
                "friendlyname",
                "Solution",
                solution,
            ),
            table(
                names::SYSTEMUSER,
                "systemusers",
                "systemuserid",
                "fullname",
                "User",
                systemuser,
            ),
            table(
                names::ROLE,
                "roles",
                "roleid",
                "name",
                "Security Role",
                role,
            ),
        ];
        tables.extend(configuration_tables());
        Schema { tables }
    }

    /// The table served under an entity set name.
    pub fn by_set(&self, entity_set: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.entity_set == entity_set)
    }

    /// The table with a logical name.
    pub fn by_logical(&self, logical_name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.logical_name == logical_name)
    }
}

/// The tables the solution's configuration page reads besides the connector's (see
/// [`crate::setup`]): forms, the organization's policy columns, privileges.
fn configuration_tables() -> Vec<Table> {
    vec![
        table(
            names::SYSTEMFORM,
            "systemforms",
            "formid",
            "name",
            "System Form",
            vec![
                column("formid", "Form", Kind::Uniqueidentifier, Access::System),
                column(
                    "name",
                    "Name",
                    Kind::String { max_len: 100 },
                    Access::Writable,
                ),
                column(
                    "formxml",
                    "Form XML",
                    Kind::Memo {
                        max_len: 1_073_741_823,
                    },
                    Access::Writable,
                ),
                column("type", "Form Type", Kind::Integer, Access::System),
                column(
                    "objecttypecode",
                    "Entity Name",
                    Kind::String { max_len: 64 },
                    Access::System,
                ),
            ],
        ),
        table(
            names::ORGANIZATION,
            "organizations",
            "organizationid",
            "name",
            "Organization",
            vec![
                column(
                    "organizationid",
                    "Organization",
                    Kind::Uniqueidentifier,
                    Access::System,
                ),
                column(
                    "name",
                    "Organization Name",
                    Kind::String { max_len: 160 },
                    Access::System,
                ),
                column(
                    "iscontentsecuritypolicyenabled",
                    "Content Security Policy enabled",
                    Kind::Boolean {
                        yes: "Yes".to_string(),
                        no: "No".to_string(),
                    },
                    Access::System,
                ),
                column(
                    "contentsecuritypolicyconfiguration",
                    "Content Security Policy configuration",
                    Kind::Memo {
                        max_len: 1_073_741_823,
                    },
                    Access::System,
                ),
            ],
        ),
        table(
            names::PRIVILEGE,
            "privileges",
            "privilegeid",
            "name",
            "Privilege",
            vec![
                column(
                    "privilegeid",
                    "Privilege",
                    Kind::Uniqueidentifier,
                    Access::System,
                ),
                column(
                    "name",
                    "Name",
                    Kind::String { max_len: 100 },
                    Access::System,
                ),
            ],
        ),
    ]
}

pub(crate) fn column(name: &str, label: &str, kind: Kind, access: Access) -> Column {
    Column {
        logical_name: name.to_string(),
        label: label.to_string(),
        kind,
        access,
    }
}

pub(crate) fn table(
    logical_name: &str,
    entity_set: &str,
    primary_key: &str,
    primary_name: &str,
    label: &str,
    columns: Vec<Column>,
) -> Table {
    Table {
        logical_name: logical_name.to_string(),
        entity_set: entity_set.to_string(),
        primary_key: primary_key.to_string(),
        primary_name: primary_name.to_string(),
        label: label.to_string(),
        columns,
    }
}
