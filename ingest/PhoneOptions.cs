using System.ComponentModel.DataAnnotations;

namespace CxActors.Ingest;

/// <summary>The <c>Phones</c> section: how phone numbers without a country code are read.</summary>
public sealed class PhoneOptions : IValidatableObject
{
    public const string Section = "Phones";

    /// <summary>ISO 3166 alpha-2 region of numbers written without <c>+</c> and a country code.</summary>
    [Required]
    [RegularExpression("^[A-Z]{2}$", ErrorMessage = "Phones:DefaultRegion must be a two-letter upper-case region code such as BR.")]
    public string DefaultRegion { get; set; } = "BR";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (DefaultRegion is { Length: 2 } region && !Phones.IsSupportedRegion(region))
            yield return new ValidationResult($"Phones:DefaultRegion '{region}' is not a region libphonenumber knows.", [nameof(DefaultRegion)]);
    }
}
