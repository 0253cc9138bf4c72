using CircuitFinder.Model.Config;
using TorchSharp;
using static TorchSharp.torch;

namespace CircuitFinder.Model.Routing;

/// <summary>
/// The checks and masks every run starts from: token ids validated and moved to the model's device, and the attention
/// block mask (causal and padding), cached per model. Owns the cached causal mask.
/// </summary>
internal sealed class ForwardInputs : IDisposable
{
    private readonly HookedTransformerConfig _config;
    private readonly Func<Device> _device;
    private Tensor? _causalMask;

    public ForwardInputs(HookedTransformerConfig config, Func<Device> device)
    {
        _config = config;
        _device = device;
    }

    /// <summary>Token ids <c>[batch, pos]</c> (or <c>[pos]</c>) checked against the config, as Int64 on the model's device.</summary>
    public Tensor ValidateTokens(Tensor tokens)
    {
        if (tokens.dim() == 1)
        {
            tokens = tokens.unsqueeze(0);
        }

        if (tokens.dim() != 2)
        {
            throw new BadInputException($"tokens must have shape [batch, pos], got [{string.Join(", ", tokens.shape)}]");
        }

        if (tokens.dtype != ScalarType.Int64 && tokens.dtype != ScalarType.Int32)
        {
            throw new BadInputException($"tokens must be integer ids, got dtype {tokens.dtype}");
        }

        if (tokens.shape[1] > _config.NCtx)
        {
            throw new BadInputException($"sequence of {tokens.shape[1]} tokens is longer than n_ctx = {_config.NCtx}");
        }

        if (tokens.shape[1] == 0)
        {
            throw new BadInputException("empty sequence: at least one token is needed");
        }

        // ids on a device without data (meta) cannot be read back; they are checked where they are made
        long min = 0, max = 0;
        if (tokens.device.type != DeviceType.META)
        {
            min = tokens.min().item<long>();
            max = tokens.max().item<long>();
        }

        if (min < 0 || max >= _config.DVocab)
        {
            long bad = min < 0 ? min : max;
            throw new BadInputException($"token id {bad} is outside the vocabulary (d_vocab = {_config.DVocab})");
        }

        return tokens.to(ScalarType.Int64).to(_device());
    }

    /// <summary>
    /// The attention block mask for a batch: boolean <c>[batch|1, 1, query_pos, key_pos]</c>, true where a query may not
    /// attend (future keys in causal models, padding keys where <paramref name="attentionMask"/> is 0); null when none.
    /// </summary>
    public Tensor? BlockedMask(long batch, long pos, Tensor? attentionMask)
    {
        Tensor? blocked = null;
        if (_config.AttentionDir == AttentionDirection.Causal)
        {
            if (_causalMask is null || !TensorRows.IsOn(_causalMask, _device()) || _causalMask.shape[0] < pos)
            {
                _causalMask?.Dispose();
                _causalMask = null;
            }

            if (_causalMask is null)
            {
                long size = Math.Min(_config.NCtx, Math.Max(pos, 64)); // the sequence length in use, never n_ctx by itself
                _causalMask = ones(size, size, ScalarType.Bool, device: _device()).triu(1); // [size, size], true above the diagonal
                _causalMask.DetachFromDisposeScope();
            }

            blocked = _causalMask.narrow(0, 0, pos).narrow(1, 0, pos).unsqueeze(0).unsqueeze(0); // [1, 1, q, k]
        }

        if (attentionMask is not null)
        {
            if (attentionMask.dim() != 2 || attentionMask.shape[0] != batch || attentionMask.shape[1] != pos)
            {
                throw new BadInputException(
                    $"attention mask has shape [{string.Join(", ", attentionMask.shape)}], expected [{batch}, {pos}]");
            }

            var padKeys = attentionMask.to(ScalarType.Bool).to(_device()).logical_not().view(batch, 1, 1, pos); // [b, 1, 1, k]
            blocked = blocked is null ? padKeys : blocked.logical_or(padKeys);
        }

        return blocked;
    }


    public void Dispose()
    {
        _causalMask?.Dispose();
        _causalMask = null;
    }
}
