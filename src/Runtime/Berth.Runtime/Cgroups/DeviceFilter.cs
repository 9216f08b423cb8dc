using System.Buffers.Binary;

namespace Berth.Runtime.Cgroups;

/// <summary>One eBPF instruction (struct bpf_insn): opcode, destination and source registers, jump offset, immediate.</summary>
public readonly record struct BpfInstruction(byte Code, byte Dst, byte Src, short Offset, int Imm)
{
    public const int Size = 8;

    public void WriteTo(Span<byte> to)
    {
        to[0] = Code;
        to[1] = (byte)(Dst | (Src << 4));
        BinaryPrimitives.WriteInt16LittleEndian(to[2..], Offset);
        BinaryPrimitives.WriteInt32LittleEndian(to[4..], Imm);
    }
}

/// <summary>
/// The BPF_PROG_TYPE_CGROUP_DEVICE program for a device rule set, with runc 1.1's semantics (libcontainer/cgroups/ebpf/
/// devicefilter): the rules go through <see cref="DeviceEmulator"/> first, so v2 decides exactly as v1 would; each
/// exception becomes one block that returns the opposite of the default when the device's type, major and minor match
/// and the requested access is within the rule's; the program ends with the default.
/// </summary>
public static class DeviceFilter
{
    // Registers: R1 the context (struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; }), R0 the verdict.
    private const byte R0 = 0, R1 = 1, R2 = 2, R3 = 3, R4 = 4, R5 = 5;
    // Opcodes: class | operation | source (BPF_K immediate, BPF_X register).
    private const byte LdxMemW = 0x61, And32Imm = 0x54, Rsh32Imm = 0x74, Mov32Reg = 0xbc, Mov32Imm = 0xb4, JneImm = 0x55, JneReg = 0x5d, Exit = 0x95;
    // The device type in access_type's low half (BPF_DEVCG_DEV_*).
    private const int BlockDevice = 1, CharDevice = 2;

    /// <summary>The license the kernel records for the program; a device filter calls no GPL-only helper.</summary>
    public const string License = "MIT";

    /// <summary>The program for <paramref name="rules"/> (already including the runtime's own allowed devices).</summary>
    public static IReadOnlyList<BpfInstruction> Build(IEnumerable<DeviceCgroupRule> rules)
    {
        var state = DeviceEmulator.From(rules);
        var program = new List<BpfInstruction>
        {
            new(LdxMemW, R2, R1, 0, 0), new(And32Imm, R2, 0, 0, 0xffff), // R2 <- type
            new(LdxMemW, R3, R1, 0, 0), new(Rsh32Imm, R3, 0, 0, 16),     // R3 <- requested access
            new(LdxMemW, R4, R1, 4, 0),                                  // R4 <- major
            new(LdxMemW, R5, R1, 8, 0),                                  // R5 <- minor
        };
        var clean = state.Rules();
        for (var i = 0; i < clean.Count; i++)
        {
            var rule = clean[i];
            // The emulator's only "a" rule is the default, first; every other rule acts against the default.
            if (rule.Type == 'a')
            {
                if (i != 0 || rule.Allow != state.DefaultAllow) throw new InvalidOperationException($"device rule {i} (\"{rule}\") is a stray wildcard");
                continue;
            }
            if (rule.Allow == state.DefaultAllow) throw new InvalidOperationException($"device rule {i} (\"{rule}\") repeats the default");
            program.AddRange(Block(rule));
        }
        program.Add(new BpfInstruction(Mov32Imm, R0, 0, 0, state.DefaultAllow ? 1 : 0));
        program.Add(new BpfInstruction(Exit, 0, 0, 0, 0));
        return program;
    }

    /// <summary>The program as the bytes BPF_PROG_LOAD takes.</summary>
    public static byte[] Encode(IReadOnlyList<BpfInstruction> program)
    {
        var bytes = new byte[program.Count * BpfInstruction.Size];
        for (var i = 0; i < program.Count; i++) program[i].WriteTo(bytes.AsSpan(i * BpfInstruction.Size));
        return bytes;
    }

    private static List<BpfInstruction> Block(DeviceCgroupRule rule)
    {
        if (rule.Major > uint.MaxValue || rule.Minor > uint.MaxValue) throw new Oci.ConfigException("linux.resources.devices", $"rule \"{rule}\" has a number beyond 32 bits");
        // Jumps to the next block get their offset once the block's length is known (placeholder: short.MinValue).
        const short Next = short.MinValue;
        var block = new List<BpfInstruction> { new(JneImm, R2, 0, Next, rule.Type == 'b' ? BlockDevice : CharDevice) };
        if (rule.Access != DeviceAccess.All)
        {
            // Matches only when the requested access is a subset of the rule's: (access & rule) == access.
            block.Add(new BpfInstruction(Mov32Reg, R1, R3, 0, 0));
            block.Add(new BpfInstruction(And32Imm, R1, 0, 0, (int)rule.Access));
            block.Add(new BpfInstruction(JneReg, R1, R3, Next, 0));
        }
        if (rule.Major != DeviceCgroupRule.Wildcard) block.Add(new BpfInstruction(JneImm, R4, 0, Next, (int)rule.Major));
        if (rule.Minor != DeviceCgroupRule.Wildcard) block.Add(new BpfInstruction(JneImm, R5, 0, Next, (int)rule.Minor));
        block.Add(new BpfInstruction(Mov32Imm, R0, 0, 0, rule.Allow ? 1 : 0));
        block.Add(new BpfInstruction(Exit, 0, 0, 0, 0));
        for (var i = 0; i < block.Count; i++)
            if (block[i].Offset == Next) block[i] = block[i] with { Offset = (short)(block.Count - i - 1) };
        return block;
    }
}
