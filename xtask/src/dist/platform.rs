//! The Dynamics version a package is built for (`--platform`), and what a solution exported
//! from that version holds: the `ImportExportXml` root of `solution.xml`, the web resource types
//! and `<WebResource>` elements it knows, the `customizations.xml` sections it writes, and the
//! zip's name. Pure facts, each with its source; the packer (`stage`) applies them and the checks
//! (`checks`) hold every package to them.
//!
//! Sources:
//! - Target versions 8.0/8.1/8.2 and the export naming `<Name>_<version>_target_CRM_<x.y>.zip`:
//!   Microsoft, "Export a solution for a specific version"
//!   (<https://learn.microsoft.com/previous-versions/dynamicscrm-2016/developers-guide/dn689055(v=crm.8)>,
//!   also MicrosoftDocs/powerapps-docs `developer/common-data-service/export-solution-specific-version.md`).
//! - String (RESX) web resources (type 12) "were added with … version 9.0"
//!   (<https://learn.microsoft.com/dynamics365/customerengagement/on-premises/developer/resx-web-resources>);
//!   Vector format (SVG, type 11) the same
//!   (<https://learn.microsoft.com/dynamics365/customerengagement/on-premises/developer/image-web-resources?view=op-9-1>);
//!   the CRM 2016 / Dynamics 365 8.x SDK's type list has neither (HTML, CSS, JScript, XML, PNG,
//!   JPG, GIF, XAP, XSL, ICO: `WebResourceWebResourceType`,
//!   <https://learn.microsoft.com/previous-versions/dynamicscrm-2016/developers-guide/dn688945(v=crm.8)>).
//! - Web resource dependencies (`DependencyXml`, what `getResourceString` needs) "were added
//!   with … version 9.0"
//!   (<https://learn.microsoft.com/dynamics365/customerengagement/on-premises/developer/web-resource-dependencies?view=op-9-1>).
//! - The `ImportExportXml` attributes of `solution.xml` on 8.2 (`version`, `minimumversion`,
//!   `SolutionPackageVersion`, `languagecode`, `generatedBy`) and `RootComponent/@behavior`: the
//!   `solution.xsd` an 8.2 server carries, `CRMWeb/_Resources/solution.xsd` of 8.2.25.16 in the
//!   public repository phuocle/DynamicsCrmSource (commit 6e0c4c996427639b80ea25191b19303c4d74769a).
//!   Real exports write `version` (the exporting organization's build) and
//!   `SolutionPackageVersion` (its major.minor): 6.1 in john00/crm `Other/Solution.xml`
//!   (commit 8acdedf280610110f0fd4399facb21964b6fa993: `version="6.1.0000.1043"
//!   SolutionPackageVersion="6.1" … generatedBy="CrmLive"`), 9.2 in
//!   owaisshahab/CRM_Solution `Other/Solution.xml` (commit 1a7d9050014555c8b656ca1e4879d9eab3f67d98:
//!   `version="9.2.21073.130" SolutionPackageVersion="9.2"`).
//!
//! Where the sources are silent the stricter reading is taken: before 9.0 a package leaves out
//! every optional element or section the 9.0 schema added for the newer version's features
//! (`IsEnabledForMobileClient`, `IsAvailableForMobileOffline`, `DependencyXml`,
//! `<CustomControls />`, `<EntityDataProviders />`): an absent optional element means its default
//! on every version, an unknown one could stop an older importer.

use super::names;

/// A Dynamics version a package can be built for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Platform {
    /// Dynamics CRM 2016 (on premises).
    V8_0,
    /// Dynamics CRM 2016 Service Pack 1 (on premises).
    V8_1,
    /// Dynamics 365 (on premises), December 2016 update.
    V8_2,
    /// Dynamics 365 Customer Engagement 9.0 (on premises); the default, today's package.
    #[default]
    V9_0,
    /// Dynamics 365 Customer Engagement 9.1 (on premises).
    V9_1,
    /// Dataverse online.
    V9_2,
}

/// Every platform, oldest first.
pub const ALL: [Platform; 6] = [
    Platform::V8_0,
    Platform::V8_1,
    Platform::V8_2,
    Platform::V9_0,
    Platform::V9_1,
    Platform::V9_2,
];

/// Type code of a Data (XML) web resource: what the strings ship as before 9.0.
pub const XML: u32 = 4;

/// Type code of a Vector format (SVG) web resource.
pub const SVG: u32 = 11;

/// `customizations.xml` sections of the 9.0 export that a package for an older version leaves
/// out (custom controls, virtual entity data providers).
const NEWER_SECTIONS: [&str; 2] = ["CustomControls", "EntityDataProviders"];

/// The `ImportExportXml` attributes `solution.xml` may carry (the 8.2 and 9.1 `solution.xsd`),
/// besides namespace declarations.
pub const ROOT_ATTRIBUTES: [&str; 5] = [
    "version",
    "minimumversion",
    "SolutionPackageVersion",
    "languagecode",
    "generatedBy",
];

impl Platform {
    /// Parses a `--platform` value.
    pub fn parse(text: &str) -> Result<Self, String> {
        ALL.into_iter().find(|p| p.label() == text).ok_or_else(|| {
            let labels: Vec<&str> = ALL.iter().map(|p| p.label()).collect();
            format!(
                "--platform takes the Dynamics version you import into, one of {}; not `{text}`",
                labels.join(", ")
            )
        })
    }

    /// `8.2`, the version's major.minor: `SolutionPackageVersion`.
    pub fn label(self) -> &'static str {
        match self {
            Self::V8_0 => "8.0",
            Self::V8_1 => "8.1",
            Self::V8_2 => "8.2",
            Self::V9_0 => "9.0",
            Self::V9_1 => "9.1",
            Self::V9_2 => "9.2",
        }
    }

    /// The `version` attribute: the build an export of that version names. The first release
    /// build of each on-premises line (no organization of the line is older), the 9.0 package's
    /// as committed in `solution/Other/Solution.xml`, and an online build of 2021 for 9.2.
    pub fn export_version(self) -> &'static str {
        match self {
            Self::V8_0 => "8.0.0.1088",
            Self::V8_1 => "8.1.0.359",
            Self::V8_2 => "8.2.0.749",
            Self::V9_0 => "9.0.0.2090",
            Self::V9_1 => "9.1.0.643",
            Self::V9_2 => "9.2.21073.130",
        }
    }

    /// Whether String (RESX) web resources, web resource dependencies, SVG web resources and
    /// the web resources' mobile flags exist: all arrived with 9.0.
    pub fn has_v9_web_resources(self) -> bool {
        self >= Self::V9_0
    }

    /// The web resource type this platform takes for a name: its extension's type, except that
    /// before 9.0 a `.resx` file ships as Data (XML) and a `.svg` file not at all.
    pub fn web_resource_type(self, name: &str) -> Option<u32> {
        match names::type_of(name)? {
            names::RESX if !self.has_v9_web_resources() => Some(XML),
            SVG if !self.has_v9_web_resources() => None,
            kind => Some(kind),
        }
    }

    /// The `customizations.xml` sections this platform's exports do not write.
    pub fn missing_sections(self) -> &'static [&'static str] {
        if self.has_v9_web_resources() {
            &[]
        } else {
            &NEWER_SECTIONS
        }
    }

    /// What goes between the version and `.zip` (or `_managed.zip`): nothing for the default
    /// package, `_target_CRM_8.2` (Microsoft's naming for an export targeting a version) else.
    pub fn file_suffix(self) -> String {
        if self == Self::default() {
            String::new()
        } else {
            format!("_target_CRM_{}", self.label())
        }
    }

    /// `customizations.xml` of the committed template for this platform: the sections it does
    /// not know removed (each must be empty in the template).
    pub fn customizations(self, template: &str) -> Result<String, String> {
        let mut out = template.to_owned();
        for section in self.missing_sections() {
            let empty = format!("<{section} />");
            let start = out
                .find(&empty)
                .ok_or_else(|| format!("Other/Customizations.xml must hold an empty `{empty}`"))?;
            let line_start = out[..start].trim_end_matches([' ', '\t']).len();
            let line_start = out[..line_start]
                .strip_suffix('\n')
                .map_or(line_start, |s| s.strip_suffix('\r').unwrap_or(s).len());
            out.replace_range(line_start..start + empty.len(), "");
        }
        Ok(out)
    }
}

impl std::fmt::Display for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_version_and_refuses_others() {
        for platform in ALL {
            assert_eq!(Platform::parse(platform.label()), Ok(platform));
        }
        let err = Platform::parse("8.3").unwrap_err();
        assert!(
            err.contains("8.0, 8.1, 8.2, 9.0, 9.1, 9.2") && err.contains("8.3"),
            "{err}"
        );
        assert!(Platform::parse("8").is_err());
        assert_eq!(Platform::default(), Platform::V9_0);
    }

    #[test]
    fn before_9_0_strings_are_xml_and_there_is_no_svg() {
        let strings = "rsub_/strings/Resubscribe.1033.resx";
        let icon = "rsub_/resubscribe/icon.svg";
        for platform in [Platform::V8_0, Platform::V8_1, Platform::V8_2] {
            assert_eq!(platform.web_resource_type(strings), Some(XML));
            assert_eq!(platform.web_resource_type(icon), None);
            assert_eq!(
                platform.web_resource_type("rsub_/resubscribe/icon.png"),
                Some(5)
            );
            assert_eq!(
                platform.web_resource_type("rsub_/resubscribe/form.js"),
                Some(3)
            );
        }
        for platform in [Platform::V9_0, Platform::V9_1, Platform::V9_2] {
            assert_eq!(platform.web_resource_type(strings), Some(names::RESX));
            assert_eq!(platform.web_resource_type(icon), Some(SVG));
        }
    }

    #[test]
    fn names_zips_like_exports_for_a_target_version() {
        assert_eq!(Platform::V9_0.file_suffix(), "");
        assert_eq!(Platform::V8_2.file_suffix(), "_target_CRM_8.2");
        assert_eq!(Platform::V9_2.file_suffix(), "_target_CRM_9.2");
    }

    #[test]
    fn each_version_attribute_belongs_to_its_line() {
        for platform in ALL {
            let version = platform.export_version();
            assert!(
                version.starts_with(&format!("{}.", platform.label())),
                "{platform}: {version}"
            );
            assert_eq!(version.split('.').count(), 4, "{version}");
        }
    }

    #[test]
    fn removes_the_newer_sections_before_9_0_only() {
        let template = "<ImportExportXml>\r\n  <WebResources />\r\n  <CustomControls />\r\n  <EntityDataProviders />\r\n  <Languages />\r\n</ImportExportXml>";
        assert_eq!(
            Platform::V8_2.customizations(template).unwrap(),
            "<ImportExportXml>\r\n  <WebResources />\r\n  <Languages />\r\n</ImportExportXml>"
        );
        assert_eq!(Platform::V9_0.customizations(template).unwrap(), template);
        let lf = template.replace("\r\n", "\n");
        assert_eq!(
            Platform::V8_0.customizations(&lf).unwrap(),
            "<ImportExportXml>\n  <WebResources />\n  <Languages />\n</ImportExportXml>"
        );
        assert!(Platform::V8_0
            .customizations("<ImportExportXml><CustomControls /></ImportExportXml>")
            .is_err());
    }
}
